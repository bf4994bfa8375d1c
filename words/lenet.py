"""Strings of the §6 LeNet-5 page."""

STRINGS = {
    "lenet.title": {"ko": "6 · LeNet-5", "en": "6 · LeNet-5"},
    "lenet.intro": {
        "ko": "얀 르쿤(1998)의 LeNet-5: Conv2D(6, 5, padding='same') → 맥스풀링 → Conv2D(16, 5) → 맥스풀링 → "
              "Dense(120) → Dense(84) → Dense(10, softmax). 학습은 서버의 백그라운드에서 돌고, 같은 설정은 한 번만 학습해 모두가 함께 봅니다.",
        "en": "Yann LeCun's LeNet-5 (1998): Conv2D(6, 5, padding='same') → max-pooling → Conv2D(16, 5) → max-pooling → "
              "Dense(120) → Dense(84) → Dense(10, softmax). Training runs in the server's background; the same settings "
              "are trained once and everyone watches the same run.",
    },
    "lenet.class_start": {
        "ko": "**수업 시작:** 아직 학습된 LeNet-5가 없습니다. 버튼 하나로 기본 설정을 학습합니다 (모두가 같은 결과를 공유합니다).",
        "en": "**Class start:** no trained LeNet-5 yet. One click trains the default configuration (everyone shares the result).",
    },
    "lenet.class_start_button": {"ko": "기본 LeNet-5 학습하기", "en": "Train the default LeNet-5"},
    "lenet.model": {"ko": "모델", "en": "Model"},
    "lenet.architecture": {"ko": "구조", "en": "Architecture"},
    "lenet.total_label": {"ko": "전체 파라미터", "en": "Total parameters"},
    "lenet.code": {"ko": "이 설정의 Keras 코드 (강의의 코드, 오타 수정)", "en": "This setting as Keras code (the lecture's code, typos fixed)"},
    "lenet.q_accuracy": {
        "ko": "이 설정으로 학습하면 평가 정확도가 몇 %일까요?",
        "en": "What test accuracy (%) do you expect from this setting?",
    },
    "lenet.class_start_done": {
        "ko": "기본 LeNet-5 학습 완료: 평가 정확도 {accuracy}. 결과는 아래 '학습'에 있습니다.",
        "en": "The default LeNet-5 has finished: test accuracy {accuracy}. The results are below, under Training.",
    },
    "lenet.train": {"ko": "학습", "en": "Training"},
    "lenet.keras_summary": {"ko": "학습된 모델의 model.summary()", "en": "model.summary() of the trained model"},
    "lenet.confusion": {"ko": "혼동 행렬", "en": "Confusion matrix"},
    "lenet.confusion_intro": {
        "ko": "테스트 이미지마다 정답(행)과 예측(열)을 셉니다. 대각선 밖의 칸이 틀린 것입니다.",
        "en": "Each test image is counted by its true label (row) and prediction (column). Cells off the diagonal are mistakes.",
    },
    "lenet.filters": {"ko": "첫 층이 배운 필터", "en": "What the first layer learned"},
    "lenet.filters_intro": {
        "ko": "§1과 §4에서는 필터를 손으로 만들었습니다. 여기서는 학습이 필터의 가중치를 스스로 찾았습니다.",
        "en": "In §1 and §4 we made filters by hand. Here training found the filters' weights by itself.",
    },
    "lenet.try": {"ko": "직접 해 보기", "en": "Try it"},
    "lenet.compare": {"ko": "모델 비교", "en": "Compare the models"},
    "lenet.compare_intro": {
        "ko": "같은 설정으로 학습한 §2의 모델(풀링 없음), §5의 모델(풀링), LeNet-5: 파라미터가 적어도 정확도가 높을 수 있다는 강의의 주장을 숫자로 봅니다.",
        "en": "§2's model (no pooling), §5's (with pooling) and LeNet-5, trained with the same settings: the lecture's argument "
              "— fewer parameters can still mean higher accuracy — in numbers.",
    },
}

"""Strings of the §2 Conv2D-in-Keras page."""

STRINGS = {
    "conv2d.title": {"ko": "2 · Keras의 Conv2D 층", "en": "2 · Conv2D layers in Keras"},
    "conv2d.intro": {
        "ko": "강의의 첫 CNN: Conv2D(3, kernel_size=5) → Conv2D(6, kernel_size=5) → Flatten → Dense(84) → Dense(10, softmax)로 MNIST 숫자를 분류합니다.",
        "en": "The lecture's first CNN: Conv2D(3, kernel_size=5) → Conv2D(6, kernel_size=5) → Flatten → Dense(84) → Dense(10, softmax) classifies MNIST digits.",
    },
    "conv2d.code": {"ko": "슬라이드의 코드", "en": "The slide's code"},
    "conv2d.code_note": {
        "ko": "슬라이드의 오타('scategorical_crossentropy', 'swis')는 고쳤습니다. 이 페이지의 학습은 같은 모델을 서버의 백그라운드에서 돌립니다.",
        "en": "The slides' typos ('scategorical_crossentropy', 'swis') are fixed. Training on this page runs the same model in the server's background.",
    },
    "conv2d.summary": {"ko": "model.summary()", "en": "model.summary()"},
    "conv2d.params_note": {
        "ko": "전체 {total}개 중 {dense}개({share})가 Flatten 뒤의 Dense(84)에 있습니다: {formula}. §5의 풀링이 이 숫자를 줄입니다.",
        "en": "Of {total} parameters, {dense} ({share}) sit in the Dense(84) after Flatten: {formula}. §5's pooling shrinks this number.",
    },
    "conv2d.total": {"ko": "전체 파라미터", "en": "Total params"},
    "conv2d.question": {"ko": "이 모델의 파라미터는 모두 몇 개일까요?", "en": "How many parameters does this model have?"},
    "conv2d.train": {"ko": "학습", "en": "Training"},
    "conv2d.maps": {"ko": "각 Conv2D 층 뒤의 특징맵", "en": "Feature maps after each Conv2D layer"},
    "conv2d.maps_intro": {
        "ko": "첫 층은 필터 3개로 특징맵 3장(24×24)을, 둘째 층은 그 3장 전체를 보는 필터 6개로 6장(20×20)을 만듭니다.",
        "en": "The first layer's 3 filters make 3 feature maps (24×24); the second layer's 6 filters each look at all 3 and make 6 maps (20×20).",
    },
    "conv2d.filters": {"ko": "첫 층이 배운 필터 3개", "en": "The 3 filters the first layer learned"},
    "conv2d.filter_short": {"ko": "필터 {n}", "en": "filter {n}"},
    "conv2d.params_log": {"ko": "파라미터 수 (로그 눈금)", "en": "parameters (log scale)"},
    "conv2d.scaling": {"ko": "0–255 그대로 vs 0–1로 스케일링", "en": "Raw 0–255 vs scaled to 0–1"},
    "conv2d.scaling_intro": {
        "ko": "슬라이드는 픽셀값 0–255를 그대로 넣습니다. 같은 설정에서 입력만 바꾼 두 학습을 나란히 비교해 보세요.",
        "en": "The slides feed the raw 0–255 pixel values. Compare two runs that differ only in the input scaling.",
    },
}

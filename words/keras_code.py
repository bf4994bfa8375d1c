"""The words inside the Keras code shown to students (cnnlib.keras_code.CodeText and TrainCodeText).

The lecture names its data 독립 (independent) and 종속 (dependent); the code keeps those names in
every language, and the English comment says what they mean.
"""

STRINGS = {
    "keras_code.data": {
        "ko": "데이터를 준비하고: {x} = 이미지 {shape}, {y} = 원-핫 레이블",
        "en": "Prepare the data: {x} (independent) = images {shape}, {y} (dependent) = one-hot labels",
    },
    "keras_code.model": {"ko": "모델을 만들고", "en": "Build the model"},
    "keras_code.fit": {"ko": "모델을 학습하고", "en": "Train the model"},
    "keras_code.independent": {"ko": "독립", "en": "독립"},
    "keras_code.dependent": {"ko": "종속", "en": "종속"},
    # §6 and §7: the whole run (cnnlib.keras_code.training_code)
    "keras_code.train_data": {
        "ko": "과거의 데이터를 준비합니다: 학습 이미지 {n}장 (독립 = 이미지, 종속 = 원-핫 레이블)",
        "en": "Prepare the data: {n} training images (독립 = images, the independent variable; 종속 = one-hot labels)",
    },
    "keras_code.own_data": {
        "ko": "이미지를 읽어서 데이터를 준비합니다: 폴더 {k}개의 이미지 {n}장, 폴더 이름이 라벨입니다",
        "en": "Read the images: {n} pictures in {k} folders, each folder's name is the label",
    },
    "keras_code.train_scaled": {"ko": "픽셀 값은 0–1 (255로 나눈 값)", "en": "Pixel values 0–1 (divided by 255)"},
    "keras_code.train_raw": {"ko": "픽셀 값은 슬라이드처럼 0–255 그대로", "en": "Pixel values 0–255 as they are, as on the slides"},
    "keras_code.train_model": {"ko": "모델의 구조를 만듭니다", "en": "Build the model"},
    "keras_code.train_compile": {
        "ko": "학습 방법을 정합니다: 옵티마이저 {optimizer}",
        "en": "How it learns: the {optimizer} optimizer",
    },
    "keras_code.train_fit": {
        "ko": "학습합니다: 에포크 {epochs}번, 배치 {batch_size}장씩, 에포크마다 평가 데이터로 확인",
        "en": "Train: {epochs} epochs in batches of {batch_size}, checked on the test data after each epoch",
    },
    "keras_code.own_split": {
        "ko": "이미지의 {pct}%는 평가용 (페이지는 클래스마다 {pct}%를 떼어 둡니다)",
        "en": "{pct}% of the images are kept for testing (the page keeps {pct}% of each class)",
    },
}

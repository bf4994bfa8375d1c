"""The words inside the Keras code shown to students (cnnlib.keras_code.CodeText).

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
}

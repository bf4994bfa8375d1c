"""Take it home (issue 12): the download buttons for notebooks, trained models and training histories."""

STRINGS = {
    "take_home.notebook": {"ko": "노트북으로 받기", "en": "Download notebook"},
    "take_home.notebook_help": {
        "ko": "지금 화면의 설정 그대로 Jupyter 노트북(.ipynb)을 받습니다. Colab이나 Jupyter에서 위에서부터 실행하세요.",
        "en": "A Jupyter notebook (.ipynb) of exactly the setting on screen. Run it from the top in Colab or Jupyter.",
    },
    "take_home.notebook_note": {
        "ko": "화면의 설정 그대로 실행되는 노트북입니다. Colab이나 Jupyter에서 이 프로젝트 없이 실행됩니다.",
        "en": "A notebook of exactly this setting. It runs in Colab or Jupyter without this project.",
    },
    "take_home.notebook_refused": {
        "ko": "이 설정은 노트북으로 만들 수 없습니다: {reason}",
        "en": "This setting cannot be written as a notebook: {reason}",
    },
    "take_home.model": {"ko": "모델 받기 (.keras)", "en": "Download model (.keras)"},
    "take_home.model_help": {
        "ko": "학습된 모델 파일입니다. keras.models.load_model('파일 이름.keras')로 불러옵니다.",
        "en": "The trained model. Load it with keras.models.load_model('file name.keras').",
    },
    "take_home.history": {"ko": "학습 기록 CSV", "en": "Training history (CSV)"},
    "take_home.png_hint": {
        "ko": "특징맵 그림은 마우스를 올리면 나오는 카메라 단추로 PNG로 저장할 수 있습니다.",
        "en": "Feature maps save as PNG: hover over one and click its camera button.",
    },
}

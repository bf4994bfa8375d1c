"""Strings of §7, "your own images" (lessons/7_own_images.py)."""

STRINGS = {
    "own.title": {"ko": "7 · 내 이미지로 학습하기", "en": "7 · Train on your own images"},
    "own.intro": {
        "ko": "강의 7절처럼 폴더 이름이 라벨이 됩니다. 클래스마다 폴더 하나씩 담은 zip을 올리거나, notMNIST를 내려받거나, "
        "내장된 글자 데이터를 쓰세요. 모든 이미지는 흑백 28×28로 바뀌어 (N, 28, 28, 1) 텐서가 됩니다.",
        "en": "As in section 7 of the lecture, the folder name is the label. Upload a zip with one folder per class, "
        "download notMNIST, or use the embedded letters. Every image becomes grey 28×28, and together they form "
        "an (N, 28, 28, 1) tensor.",
    },
    "own.source": {"ko": "데이터", "en": "Data"},
    "own.source.letters": {"ko": "내장 글자 (A–J)", "en": "Embedded letters (A–J)"},
    "own.source.upload": {"ko": "zip 올리기", "en": "Upload a zip"},
    "own.source.notmnist": {"ko": "notMNIST 내려받기", "en": "Download notMNIST"},
    "own.letters_per_class": {"ko": "글자마다 이미지 수", "en": "Images per letter"},
    "own.letters_seed": {"ko": "시드", "en": "Seed"},
    "own.letters_help": {
        "ko": "인터넷 없이 쓸 수 있도록, 설치된 패키지(Pillow, Streamlit)에 들어 있는 글꼴 {fonts}개로 A–J를 그렸습니다. "
        "크기·위치·회전·두께는 무작위이고, 같은 시드면 같은 데이터입니다.",
        "en": "Drawn offline from the {fonts} fonts that the installed packages (Pillow, Streamlit) ship: random "
        "size, position, rotation and stroke; the same seed gives the same set.",
    },
    "own.upload": {"ko": "클래스별 폴더를 담은 zip (또는 tar.gz)", "en": "A zip (or tar.gz) of class folders"},
    "own.upload_help": {
        "ko": "예: A/*.png, B/*.png … 또는 top/A/*.png. 최대 {mb} MB.",
        "en": "e.g. A/*.png, B/*.png … or top/A/*.png. At most {mb} MB.",
    },
    "own.upload_wait": {
        "ko": "zip 파일을 올려 주세요. 폴더 이름이 클래스(라벨)가 됩니다.",
        "en": "Upload a zip: each folder's name becomes a class (label).",
    },
    "own.download": {"ko": "notMNIST_small.tar.gz 내려받기", "en": "Download notMNIST_small.tar.gz"},
    "own.download_from": {"ko": "강의의 주소에서 받습니다: {url}", "en": "From the lecture's address: {url}"},
    "own.download_wait": {
        "ko": "단추를 누르면 내려받아 캐시에 보관합니다 (한 번만).",
        "en": "The button downloads it once and keeps it in a cache.",
    },
    "own.downloading": {"ko": "내려받는 중… {done} / {total} MB", "en": "Downloading… {done} / {total} MB"},
    "own.downloading_unknown": {"ko": "내려받는 중… {done} MB", "en": "Downloading… {done} MB"},
    "own.use_letters": {"ko": "내장 글자 데이터 쓰기", "en": "Use the embedded letters"},
    "own.retry": {"ko": "다시 내려받기", "en": "Download again"},
    "own.reading": {"ko": "이미지를 읽는 중…", "en": "Reading the images…"},
    "own.report": {"ko": "학습 전 보고서", "en": "Report before training"},
    "own.images": {"ko": "이미지", "en": "Images"},
    "own.classes": {"ko": "클래스", "en": "Classes"},
    "own.shape": {"ko": "독립 (텐서 모양)", "en": "독립 (tensor shape)"},
    "own.skipped_count": {"ko": "건너뛴 파일", "en": "Skipped files"},
    "own.root": {"ko": "클래스 폴더가 '{root}/' 안에 있습니다.", "en": "The class folders sit inside '{root}/'."},
    "own.counts": {"ko": "클래스별 이미지 수", "en": "Images per class"},
    "own.col.class": {"ko": "클래스", "en": "Class"},
    "own.col.count": {"ko": "이미지 수", "en": "Images"},
    "own.col.file": {"ko": "파일", "en": "File"},
    "own.col.reason": {"ko": "이유", "en": "Reason"},
    "own.col.accuracy": {"ko": "정확도", "en": "Accuracy"},
    "own.skipped": {"ko": "건너뛴 파일 {n}개와 그 이유", "en": "{n} skipped files and why"},
    "own.onehot": {
        "ko": "종속: pd.get_dummies가 만드는 원-핫 열",
        "en": "종속 (labels): the one-hot columns pd.get_dummies makes",
    },
    "own.onehot_caption": {"ko": "열 {n}개: {columns}. 처음 5행:", "en": "{n} columns: {columns}. First 5 rows:"},
    "own.grid": {"ko": "클래스별 예시 (모델이 보는 흑백 28×28)", "en": "Examples per class (the grey 28×28 the model sees)"},
    "own.grid_more": {"ko": "나머지 클래스 {n}개", "en": "The other {n} classes"},
    "own.train": {"ko": "학습", "en": "Training"},
    "own.model": {"ko": "모델", "en": "Model"},
    "own.model.lenet5": {"ko": "LeNet-5 (강의 6절)", "en": "LeNet-5 (lecture §6)"},
    "own.model.lab": {"ko": "층 쌓기 실험실의 모델", "en": "The stack from the layer lab"},
    "own.model_lab_missing": {
        "ko": "층 쌓기 실험실에서 모델을 만들면 여기서 고를 수 있습니다. 지금은 LeNet-5를 씁니다.",
        "en": "Build a stack in the layer lab to pick it here. LeNet-5 is used for now.",
    },
    "own.epochs": {"ko": "에포크", "en": "Epochs"},
    "own.split": {
        "ko": "클래스마다 {pct}%를 평가용으로 떼어 둡니다: 학습 {train}장, 평가 {test}장. "
        "마지막 층은 Dense({k}, softmax)이고, 모델의 파라미터는 {params}개입니다.",
        "en": "Each class keeps {pct}% aside for testing: {train} training and {test} test images. "
        "The last layer is Dense({k}, softmax); the model has {params} parameters.",
    },
    "own.code": {"ko": "이 데이터와 설정의 Keras 코드 (강의의 코드, 오타 수정)",
                 "en": "This data and setting as Keras code (the lecture's code, typos fixed)"},
    "own.code_letters": {
        "ko": "내장 글자는 메모리에서 그린 이미지입니다. 글자마다 폴더에 PNG로 저장하면 이 코드로 똑같이 읽을 수 있습니다.",
        "en": "The embedded letters are drawn in memory; saved as PNGs in one folder per letter, this code reads them the same way.",
    },
    "own.train_button": {"ko": "학습 시작", "en": "Start training"},
    "own.results": {"ko": "결과", "en": "Results"},
    "own.accuracy": {"ko": "평가 정확도", "en": "Test accuracy"},
    "own.cached": {
        "ko": "같은 데이터와 설정으로 이미 학습한 결과를 캐시에서 다시 보여 줍니다.",
        "en": "Replayed from the cache: this data and configuration were trained before.",
    },
    "own.trained_in": {
        "ko": "학습 {seconds} · 초당 {rate}장 · 파라미터 {params}개",
        "en": "Trained in {seconds} · {rate} images/s · {params} parameters",
    },
    "own.per_class": {"ko": "클래스별 정확도", "en": "Accuracy per class"},
    "own.confusion": {"ko": "혼동 행렬 (행 = 정답, 열 = 예측)", "en": "Confusion matrix (row = true, column = predicted)"},
    "own.predict": {"ko": "내 이미지 하나 예측하기", "en": "Predict one image of your own"},
    "own.predict_upload": {"ko": "이미지 하나 (PNG, JPG, …)", "en": "One image (PNG, JPG, …)"},
    "own.predict_inverted": {
        "ko": "배경이 학습 데이터와 반대라서 색을 뒤집었습니다.",
        "en": "Its background is the opposite of the training data's, so its colours were inverted.",
    },
    "own.prediction": {"ko": "예측: {label} ({p})", "en": "Prediction: {label} ({p})"},
    "own.model_input": {"ko": "모델이 보는 28×28", "en": "What the model sees (28×28)"},
    "own.tf_loading": {"ko": "TensorFlow를 불러오는 중… (처음 한 번, 몇 초)", "en": "Loading TensorFlow… (a few seconds, once)"},
}

"""What a student should know about usable data (cnnlib.dataset.Notice): own image folders, the MNIST fallback."""

STRINGS = {
    "data_notices.small_class": {
        "ko": "클래스 '{name}'에는 이미지가 {n}장뿐입니다: 학습과 평가에 모두 쓰기에는 부족합니다.",
        "en": "Class '{name}' has only {n} image(s): too few to both train and test on.",
    },
    "data_notices.case_clash": {
        "ko": "대소문자만 다른 클래스 이름이 있습니다({names}): 서로 다른 클래스로 둡니다 (같은 클래스라면 폴더 이름을 맞추세요).",
        "en": "Class names {names} differ only by case: they are kept as separate classes "
        "(rename the folders if they are the same class).",
    },
    "data_notices.truncated": {
        "ko": "압축 파일이 중간에 끊겨 있어 앞부분의 파일 {n}개만 읽었습니다.",
        "en": "The archive is cut short: only its first {n} files were read.",
    },
    "data_notices.mnist_fallback": {
        "ko": "인터넷에서 MNIST를 받을 수 없어 내장 샘플(실제 MNIST {train:,}/{test:,}장)을 씁니다. ({reason})",
        "en": "MNIST could not be downloaded, so the shipped sample of real MNIST digits ({train:,} / {test:,}) is used. "
        "({reason})",
    },
}

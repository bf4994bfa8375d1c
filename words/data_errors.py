"""Why data cannot be used (cnnlib.dataset.DatasetError): MNIST, an archive of class folders, one picture, the notMNIST download."""

STRINGS = {
    # MNIST (cnnlib.datasets, services.training_data)
    "data_errors.sample_unreadable": {
        "ko": "내장 MNIST 샘플을 읽을 수 없습니다: {file} ({reason})",
        "en": "Cannot read the shipped MNIST sample {file} ({reason})",
    },
    "data_errors.bad_source": {
        "ko": "MNIST 출처는 {sources} 중 하나여야 합니다: {source!r}",
        "en": "The MNIST source must be one of {sources}: {source!r}",
    },
    "data_errors.keras_unavailable": {
        "ko": "Keras에서 MNIST를 내려받을 수 없습니다 ({reason})",
        "en": "Cannot download MNIST through Keras ({reason})",
    },
    "data_errors.unknown_dataset": {
        "ko": "알 수 없는 데이터셋입니다: {name!r} (가능: {known})",
        "en": "Unknown dataset {name!r} (known: {known})",
    },
    # an archive of class folders (cnnlib.archives, cnnlib.image_folders)
    "data_errors.too_big": {
        "ko": "파일이 {size:,.1f} MB입니다: 업로드 한도는 {limit} MB입니다.",
        "en": "The file is {size:,.1f} MB; the upload limit is {limit} MB.",
    },
    "data_errors.not_zip": {
        "ko": "zip 파일이 아닙니다 (이름만 .zip이거나 손상된 파일입니다). 클래스별 폴더를 zip으로 압축해 올려 주세요.",
        "en": "This is not a zip file (it is only named .zip, or it is damaged). Upload a zip of class folders.",
    },
    "data_errors.not_tar": {
        "ko": "tar.gz 파일이 아닙니다 (이름만 .tar.gz이거나 손상된 파일입니다).",
        "en": "This is not a tar.gz file (it is only named so, or it is damaged).",
    },
    "data_errors.not_archive": {
        "ko": "zip이나 tar.gz 압축 파일이 아닙니다. 클래스별 폴더를 zip으로 압축해 올려 주세요.",
        "en": "This is neither a zip nor a tar.gz archive. Upload a zip of class folders.",
    },
    "data_errors.empty": {"ko": "압축 파일이 비어 있습니다.", "en": "The archive is empty."},
    "data_errors.bomb": {
        "ko": "압축을 풀면 {limit} MB 또는 원래 크기의 {ratio}배를 넘습니다: 압축 폭탄일 수 있어 읽기를 멈췄습니다.",
        "en": "It unpacks to more than {limit} MB or {ratio}× its own size: reading stopped, as it may be a zip bomb.",
    },
    "data_errors.too_many_files": {
        "ko": "압축 파일에 파일이 너무 많습니다 (최대 {limit:,}개).",
        "en": "The archive holds too many files (at most {limit:,}).",
    },
    "data_errors.names_too_long": {
        "ko": "압축 파일 안의 파일 이름들이 합쳐서 {limit} MB를 넘습니다: 이름이 비정상적으로 깁니다.",
        "en": "The file names in the archive add up to more than {limit} MB: they are abnormally long.",
    },
    "data_errors.long_header": {
        "ko": "tar 파일 안의 한 파일 머리글이 {limit} KB를 넘습니다: 파일 이름이 비정상적으로 깁니다.",
        "en": "One file's header in the tar is over {limit} KB: its name is abnormally long.",
    },
    "data_errors.no_images": {
        "ko": "읽을 수 있는 이미지가 없습니다 (건너뛴 파일 {n}개: {reasons}).",
        "en": "No readable images were found ({n} files skipped: {reasons}).",
    },
    "data_errors.no_class_folders": {
        "ko": "이미지가 폴더 안에 있지 않습니다: 클래스마다 폴더를 하나씩 만들고 (예: A/, B/) 그 안에 이미지를 넣으세요.",
        "en": "The images are not in folders: make one folder per class (e.g. A/, B/) and put its images inside.",
    },
    "data_errors.one_class": {
        "ko": "클래스가 하나뿐입니다 ('{name}'): 분류하려면 클래스 폴더가 2개 이상 있어야 합니다.",
        "en": "Only one class ('{name}'): a classifier needs at least two class folders.",
    },
    "data_errors.too_many_classes": {
        "ko": "클래스가 {n}개입니다: 최대 {limit}개까지 쓸 수 있습니다.",
        "en": "{n} classes: at most {limit} can be used.",
    },
    "data_errors.forgotten": {
        "ko": "이 데이터는 더 이상 메모리에 없습니다: 페이지를 다시 열어 데이터를 다시 읽어 주세요.",
        "en": "This data set is no longer in memory: open the page again to read it again.",
    },
    # one picture (cnnlib.images.load_image)
    "data_errors.image_not_image": {
        "ko": "이미지 파일이 아닙니다 (Pillow가 읽을 수 있는 형식이 아님).",
        "en": "This is not an image file (no format Pillow can read).",
    },
    "data_errors.image_unreadable": {
        "ko": "이미지를 읽을 수 없습니다 (손상되었거나 잘린 파일).",
        "en": "The image cannot be read (corrupt or truncated).",
    },
    "data_errors.image_too_large": {
        "ko": "이미지가 너무 큽니다 (최대 {limit} 메가픽셀).",
        "en": "The image is too large (at most {limit} megapixels).",
    },
    "data_errors.image_too_much_memory": {
        "ko": "이미지가 너무 큽니다: {w}×{h} 픽셀을 풀면 메모리가 {limit} MB를 넘습니다.",
        "en": "The image is too large: {w}×{h} pixels take more than {limit} MB of memory once decoded.",
    },
    "data_errors.no_test_images": {
        "ko": "모든 클래스에 이미지가 한 장씩뿐이라 평가용으로 떼어 둘 이미지가 없습니다 (이미지 {n}장). "
        "클래스마다 이미지를 2장 이상 넣어 주세요.",
        "en": "Every class has a single image, so none is left over for testing ({n} images). "
        "Put at least 2 images in each class folder.",
    },
    # the notMNIST download (services.downloads)
    "data_errors.offline": {
        "ko": "내려받을 수 없습니다: 인터넷에 연결되어 있지 않거나 주소({host})에 닿을 수 없습니다 ({reason}). "
        "내장된 글자 데이터를 쓰거나 zip 파일을 올려 주세요.",
        "en": "Cannot download: no internet connection, or {host} cannot be reached ({reason}). "
        "Use the embedded letters or upload a zip instead.",
    },
    "data_errors.http": {
        "ko": "내려받을 수 없습니다: 서버의 답이 HTTP {status}입니다 ({host}). 내장된 글자 데이터를 쓰세요.",
        "en": "Cannot download: the server answered HTTP {status} ({host}). Use the embedded letters instead.",
    },
    "data_errors.cut": {
        "ko": "내려받기가 중간에 끊겼습니다 ({done:.1f} / {total:.1f} MB): 연결을 확인하고 다시 시도하거나 내장된 글자 데이터를 쓰세요.",
        "en": "The download stopped part-way ({done:.1f} of {total:.1f} MB): check the connection and try again, "
        "or use the embedded letters.",
    },
    "data_errors.cut_unknown": {
        "ko": "내려받기가 중간에 끊겼습니다 ({done:.1f} MB까지 받음): 연결을 확인하고 다시 시도하거나 내장된 글자 데이터를 쓰세요.",
        "en": "The download stopped part-way (after {done:.1f} MB): check the connection and try again, "
        "or use the embedded letters.",
    },
    "data_errors.damaged_download": {
        "ko": "내려받은 파일이 온전한 tar.gz가 아닙니다 (잘렸거나 손상됨). 지운 뒤 다시 내려받을 수 있습니다.",
        "en": "The downloaded file is not a whole tar.gz (cut short or damaged). It was removed: try the download again.",
    },
    "data_errors.not_gzip": {
        "ko": "내려받은 파일이 tar.gz가 아닙니다 (로그인 페이지나 오류 페이지일 수 있습니다). 내장된 글자 데이터를 쓰세요.",
        "en": "The downloaded file is not a tar.gz (perhaps a login or error page). Use the embedded letters instead.",
    },
    "data_errors.too_big_download": {
        "ko": "내려받는 파일이 {limit} MB를 넘어 멈췄습니다.",
        "en": "The download passed {limit} MB and was stopped.",
    },
    "data_errors.cache": {
        "ko": "캐시 폴더({path})에 쓸 수 없습니다: {reason}",
        "en": "Cannot write to the cache folder ({path}): {reason}",
    },
}

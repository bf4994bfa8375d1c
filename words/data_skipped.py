"""Why a file of an uploaded archive is not in the data set (cnnlib.image_folders.SkippedFile)."""

STRINGS = {
    "data_skipped.system_file": {
        "ko": "시스템 파일 (macOS·Windows가 만든 숨은 파일)",
        "en": "a system file (a hidden file made by macOS or Windows)",
    },
    "data_skipped.not_image": {
        "ko": "이미지가 아닙니다 (Pillow가 읽을 수 있는 형식이 아님)",
        "en": "not an image (no format Pillow can read)",
    },
    "data_skipped.unreadable": {
        "ko": "이미지를 읽을 수 없습니다 (손상되었거나 잘린 파일)",
        "en": "unreadable image (corrupt or truncated)",
    },
    "data_skipped.damaged": {"ko": "압축된 데이터가 손상되었습니다", "en": "its compressed data is damaged"},
    "data_skipped.encrypted": {"ko": "암호가 걸린 파일입니다", "en": "password-protected"},
    "data_skipped.unsupported": {"ko": "이 압축 방식은 읽을 수 없습니다", "en": "compressed with a method that cannot be read"},
    "data_skipped.too_large": {"ko": "파일이 너무 큽니다 ({limit} MB 초과)", "en": "file too large (over {limit} MB)"},
    "data_skipped.too_many_pixels": {
        "ko": "이미지가 너무 큽니다: {w}×{h} 픽셀 (최대 {limit} 메가픽셀)",
        "en": "image too large: {w}×{h} pixels (at most {limit} megapixels)",
    },
    "data_skipped.too_many_pixels_header": {
        "ko": "이미지가 너무 큽니다 (최대 {limit} 메가픽셀)",
        "en": "image too large (at most {limit} megapixels)",
    },
    "data_skipped.too_much_memory": {
        "ko": "이미지가 너무 큽니다: {w}×{h} 픽셀을 풀면 메모리가 {limit} MB를 넘습니다",
        "en": "image too large: {w}×{h} pixels take more than {limit} MB once decoded",
    },
    "data_skipped.pixel_budget": {
        "ko": "압축 파일 전체의 이미지 크기 한도({limit} 메가픽셀)를 다 써서 읽지 않았습니다",
        "en": "not read: the archive's pictures already used up their {limit} megapixels",
    },
    "data_skipped.long_name": {
        "ko": "이름이 너무 깁니다 ({limit}바이트 초과)",
        "en": "name too long (over {limit} bytes)",
    },
    "data_skipped.unsafe_name": {
        "ko": "안전하지 않은 경로입니다 (../ 또는 절대 경로)",
        "en": "unsafe path (../ or an absolute path)",
    },
    "data_skipped.symlink": {"ko": "링크입니다 (실제 파일이 아님)", "en": "a link, not a real file"},
    "data_skipped.special": {"ko": "일반 파일이 아닙니다", "en": "not a regular file"},
    "data_skipped.nested_folder": {
        "ko": "클래스 폴더 안의 하위 폴더에 있습니다 (클래스 폴더 바로 아래의 파일만 씁니다)",
        "en": "inside a sub-folder of a class folder (only files directly in a class folder are used)",
    },
    "data_skipped.no_class_folder": {
        "ko": "클래스 폴더 밖에 있습니다 (라벨로 쓸 폴더 이름이 없음)",
        "en": "not inside a class folder (no folder name to use as its label)",
    },
    "data_skipped.duplicate_name": {
        "ko": "같은 이름이 압축 파일에 두 번 들어 있습니다 (앞의 것만 씁니다)",
        "en": "the same name appears twice in the archive (the first one is used)",
    },
}

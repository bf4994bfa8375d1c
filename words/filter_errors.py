"""Why a picture or a filter set cannot be used on the §3 filters page (cnnlib.filter_sets.FilterError)."""

STRINGS = {
    "filter_errors.not_a_picture": {
        "ko": "그림 파일로 읽을 수 없습니다. PNG나 JPEG 같은 그림을 올려 주세요.",
        "en": "This file cannot be read as a picture: upload a PNG, JPEG or similar image.",
    },
    "filter_errors.channels_differ": {
        "ko": "필터셋의 채널 수({filter_channels})가 입력의 채널 수({input_channels})와 같아야 합니다",
        "en": "The filter set's channels ({filter_channels}) must equal the input's ({input_channels})",
    },
}

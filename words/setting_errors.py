"""Words for services.settings' codes (SettingError): a CNNLIB_* environment variable that cannot be used."""

STRINGS = {
    "setting_errors.bad_number": {
        "ko": "환경 변수 {name}의 값이 숫자가 아닙니다({value!r}). 숫자로 고치거나 지우면 기본값을 씁니다.",
        "en": "The environment variable {name} is {value!r}, which is not a number. "
              "Set it to a number, or remove it to use the default.",
    },
    "setting_errors.too_small": {
        "ko": "환경 변수 {name}의 값이 너무 작습니다({value!r}): {low:g} 이상이어야 합니다.",
        "en": "The environment variable {name} is {value!r}, too small: it must be at least {low:g}.",
    },
    "setting_errors.bad_choice": {
        "ko": "환경 변수 {name}의 값을 쓸 수 없습니다({value!r}): {allowed} 중 하나여야 합니다.",
        "en": "The environment variable {name} is {value!r}; it must be one of {allowed}.",
    },
    "setting_errors.bad_url": {
        "ko": "환경 변수 {name}의 값을 주소로 쓸 수 없습니다({value!r}): {allowed} 주소여야 합니다.",
        "en": "The environment variable {name} is {value!r}, which is not a usable address: "
              "it must be an {allowed} address.",
    },
}

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
    "setting_errors.bad_database": {
        "ko": "환경 변수 {name}의 값을 데이터베이스 주소로 쓸 수 없습니다({value!r}): "
              "postgresql://사용자@호스트:5432/데이터베이스 모양의 PostgreSQL 주소여야 합니다. "
              "지우면 수업을 캐시 폴더의 SQLite 파일에 둡니다.",
        "en": "The environment variable {name} is {value!r}, which is not a PostgreSQL address: it must look like "
              "postgresql://user@host:5432/database. Remove it to keep classes in SQLite in the cache folder.",
    },
}

"""Why a page's setting cannot become a notebook (notebooks.NotebookError)."""

STRINGS = {
    "notebook_errors.unknown_page": {
        "ko": "'{page}' 페이지의 노트북은 없습니다. 있는 페이지: {known}",
        "en": "There is no notebook for the page '{page}'. Pages: {known}",
    },
    "notebook_errors.unknown_setting": {
        "ko": "이 페이지에는 '{name}' 설정이 없습니다. 있는 설정: {known}",
        "en": "This page has no setting '{name}'. Its settings: {known}",
    },
    "notebook_errors.bad_setting": {
        "ko": "'{name}' 설정의 이 값으로는 노트북을 만들 수 없습니다: {value}",
        "en": "The setting '{name}' = {value} cannot be written as a notebook.",
    },
    "notebook_errors.cannot_train": {
        "ko": "입력 {shape}, 출력 {output}인 모델은 28×28 그림 {classes}개 클래스로 학습할 수 없습니다.",
        "en": "A model with input {shape} and output {output} cannot be trained on 28×28 pictures of {classes} classes.",
    },
    "notebook_errors.bad_query": {
        "ko": "링크 설정을 읽을 수 없어 노트북을 만들지 않았습니다: {what}. 이 페이지의 링크 설정: {known}",
        "en": "The link's settings could not be read, so no notebook was written: {what}. This page's link settings: {known}",
    },
    "notebook_errors.cannot_write": {
        "ko": "노트북 파일을 쓸 수 없습니다({path}): {reason}",
        "en": "Cannot write the notebook file {path}: {reason}",
    },
}

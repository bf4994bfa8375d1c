"""Strings shared by the router and several pages."""

STRINGS = {
    "common.app_title": {"ko": "CNN 기초 대시보드", "en": "CNN basics dashboard"},
    "common.section.start": {"ko": "시작", "en": "Start"},
    "common.section.convolution": {"ko": "합성곱", "en": "Convolution"},
    "common.section.networks": {"ko": "신경망", "en": "Networks"},
    "common.page.home": {"ko": "강의 지도", "en": "Lecture map"},
    "common.page.why_convolution": {"ko": "1 · 왜 합성곱인가", "en": "1 · Why convolution"},
    "common.page.filters": {"ko": "3 · 필터", "en": "3 · Filters"},
    "common.page.arithmetic": {"ko": "4 · 합성곱 연산", "en": "4 · Convolution arithmetic"},
    "common.page.pooling": {"ko": "5 · 맥스풀링", "en": "5 · Max-pooling"},
    "common.page.stack_lab": {"ko": "2·5 · 층 쌓기와 파라미터 수", "en": "2·5 · Layer stacks and parameters"},
    "common.page.conv2d_keras": {"ko": "2 · Keras의 Conv2D", "en": "2 · Conv2D in Keras"},
    "common.page.lenet5": {"ko": "6 · LeNet-5", "en": "6 · LeNet-5"},
    "common.page.own_images": {"ko": "7 · 내 이미지 사용", "en": "7 · Your own images"},
    "common.page_failed": {
        "ko": "이 페이지에서 예상하지 못한 문제가 생겼습니다. 다시 시도하거나, 처음부터 다시 시작하거나, 강의 지도로 돌아가세요. 자세한 내용은 서버 기록에 남겼습니다.",
        "en": "Something unexpected went wrong on this page. Try again, start over, or go back to the lecture map. The details are in the server's log.",
    },
    "common.uploader.button": {"ko": "파일 올리기", "en": "Upload"},
    "common.uploader.limit": {"ko": "파일 하나에 {mb}MB까지", "en": "Up to {mb} MB per file"},
    "common.uploader.drop": {"ko": "여기에 파일을 놓으세요", "en": "Drop the file here"},
    "common.tf_loading": {
        "ko": "TensorFlow를 불러오는 중입니다… 학습된 모델이 필요한 이 부분은 몇 초 뒤 저절로 채워집니다.",
        "en": "Loading TensorFlow… this part needs the trained model and fills in by itself in a few seconds.",
    },
    "common.present": {"ko": "발표 모드", "en": "Presenter mode"},
    "common.present_help": {
        "ko": "강의실 뒤에서도 읽히게: 큰 글씨, 설명 줄임, 사이드바 접기. 주소에 ?present=1을 붙여도 됩니다.",
        "en": "Readable from the back of the room: large text, captions trimmed, sidebar collapsed. Adding ?present=1 to the address does the same.",
    },
    "common.page_not_found": {
        "ko": "주소 `/{path}`에 해당하는 페이지가 없어 강의 지도를 열었습니다. 왼쪽 메뉴나 아래 카드에서 절을 고르세요.",
        "en": "There is no page at `/{path}`, so the lecture map opened instead. Pick a section in the menu on the left or from the cards below.",
    },
    "common.try_again": {"ko": "다시 시도", "en": "Try again"},
    "common.start_over": {"ko": "처음부터 다시", "en": "Start over"},
    "common.bad_link": {
        "ko": "링크의 설정 일부를 읽을 수 없어 기본값을 썼습니다: {what}",
        "en": "Part of the link could not be read, so defaults were used: {what}",
    },
}

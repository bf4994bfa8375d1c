"""§1 Why convolution (합성곱)."""

STRINGS = {
    "why.title": {"ko": "왜 합성곱인가", "en": "Why convolution"},
    "why.intro": {
        "ko": "숫자를 알아보는 한 가지 방법: 닫힌 고리가 몇 개이고, 위쪽과 아래쪽 중 어디에 있는지 보는 것. 먼저 맞혀 보고, 확인해 보세요.",
        "en": "One way to tell digits apart: how many closed loops there are, and whether they sit in the top or the bottom half. Guess first, then reveal.",
    },
    "why.table_title": {"ko": "고리 세기: 전체 · 위 · 아래", "en": "Counting loops: total · top · bottom"},
    "why.total": {"ko": "전체", "en": "Total"},
    "why.top": {"ko": "위", "en": "Top"},
    "why.bottom": {"ko": "아래", "en": "Bottom"},
    "why.your_guess": {"ko": "내 추측", "en": "Your guess"},
    "why.counted_label": {"ko": "{part} — 센 고리 **{n}**", "en": "{part} — counted **{n}**"},
    "why.reveal": {"ko": "정답 보기", "en": "Reveal"},
    "why.hide": {"ko": "다시 숨기기", "en": "Hide again"},
    "why.another": {"ko": "다른 손글씨 보기", "en": "Another handwriting"},
    "why.digit": {"ko": "숫자", "en": "Digit"},
    "why.right": {"ko": "{n}개 중 {k}개 맞힘", "en": "{k} of {n} right"},
    "why.example": {"ko": "예시 {i} / {n}", "en": "Example {i} of {n}"},
    "why.table_caption": {
        "ko": "고리는 그림에서 잉크로 둘러싸인 빈 곳을 찾아 셉니다. 고리의 80% 이상이 숫자의 위(아래) 절반에 있으면 ‘위’(‘아래’)로 셉니다 — 0처럼 가운데를 가로지르는 고리는 전체에만 들어갑니다. 다른 손글씨를 보면 이런 손규칙이 얼마나 쉽게 틀리는지도 보입니다.",
        "en": "A loop is an empty region enclosed by ink. It counts as ‘top’ (‘bottom’) when 80% or more of it lies in the digit's top (bottom) half — a loop across the middle, like a 0's, counts only in the total. Other handwritings show how easily such hand-made rules break.",
    },
    "why.finder_title": {"ko": "패턴이 ‘어디서’ 나타나는지 찾는 도구", "en": "A tool that finds WHERE a pattern appears"},
    "why.finder_intro": {
        "ko": "필터(작은 모양 틀)를 그림 위로 미끄러뜨리면 특징맵이 나옵니다. 빨간 곳 = 그 모양이 있는 곳 (다른 쪽의 특징맵과 같은 색: 빨강 높음, 흰색 0, 파랑 낮음).",
        "en": "Slide a filter (a small pattern) over the image and you get a feature map. Red = the pattern is here (the colours of every feature map here: red high, white 0, blue low).",
    },
    "why.pattern": {"ko": "찾을 모양", "en": "Pattern to find"},
    "why.overlay": {"ko": "숫자 위에 겹쳐 보기", "en": "Overlay on the digit"},
    "why.fig_digit": {"ko": "숫자 {d}", "en": "Digit {d}"},
    "why.fig_filter": {"ko": "필터 (3×3)", "en": "Filter (3×3)"},
    "why.fig_map": {"ko": "특징맵", "en": "Feature map"},
    "why.strongest": {
        "ko": "가장 강한 곳 (특징맵의 ○): 행 {r}, 열 {c} (값 {v})",
        "en": "Strongest at row {r}, column {c} (value {v}; the ○ on the feature map)",
    },
}

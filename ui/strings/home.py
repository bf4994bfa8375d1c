"""The home page: the lecture map."""

STRINGS = {
    "home.title": {"ko": "CNN 기초 — 강의 지도", "en": "CNN basics — the lecture map"},
    "home.intro": {
        "ko": "제4장 「세가지 기본 신경망 II: CNN 기초」의 각 절을 직접 만져 보는 대시보드입니다. 왼쪽 메뉴나 아래 카드에서 절을 고르세요. 언어는 왼쪽 아래에서 바꿀 수 있습니다.",
        "en": "A dashboard to try out each section of chapter 4, “Three basic neural networks II: CNN basics”. Pick a section in the menu or on a card below. The language switch is in the sidebar.",
    },
    "home.open": {"ko": "열기", "en": "Open"},
    "home.card.why": {
        "ko": "숫자 9, 8, 6, 0의 고리를 세어 보고, 가로·세로·대각선 필터가 실제 손글씨 숫자에서 그 모양이 ‘어디에’ 있는지 찾는 것을 봅니다.",
        "en": "Count the loops of 9, 8, 6 and 0, then watch horizontal, vertical and diagonal filters find WHERE their stroke appears in real handwritten digits.",
    },
    "home.card.arithmetic": {
        "ko": "8×8 입력과 3×3 필터를 직접 고치고, 창을 한 칸씩 옮기며 y1 = x1·w1 + … 식을 숫자로 따라갑니다. 패딩과 스트라이드도 바꿔 봅니다.",
        "en": "Edit an 8×8 input and a 3×3 filter, step the window one cell at a time with y1 = x1·w1 + … in numbers, and try padding and stride.",
    },
    "home.card.pooling": {
        "ko": "슬라이드의 6×6 특징맵을 2×2 맥스풀링하고, 어느 칸이 이겼는지 봅니다. 실제 숫자로 입력 → 특징맵 → 풀링을 나란히 봅니다.",
        "en": "Max-pool the slide's 6×6 feature map 2×2 and see which cell won each window; then input → feature map → pooled map on a real digit.",
    },
}

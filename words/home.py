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
    "home.card.conv2d_keras": {
        "ko": "강의의 Conv2D 두 층 모델을 Keras 코드와 model.summary()로 보고, 0–255 그대로와 0–1로 바꾼 입력으로 각각 학습해 봅니다.",
        "en": "The lecture's two-Conv2D model as Keras code and model.summary(); train it on raw 0–255 and on 0–1 inputs and compare.",
    },
    "home.card.filters": {
        "ko": "필터셋은 3차원 가중치 묶음: 컬러 그림의 R·G·B 세 채널을 한 필터셋이 모두 보고 하나의 특징맵으로 더하는 과정을 봅니다.",
        "en": "A filter set is a 3-D block of weights: watch one filter set look at all of R, G and B and sum them into one feature map.",
    },
    "home.card.stack_lab": {
        "ko": "층을 쌓고 빼고 옮기며 출력 모양과 파라미터 수를 바로 계산합니다. 풀링이 파라미터 수를 얼마나 줄이는지 비교합니다.",
        "en": "Stack, remove and move layers and read output shapes and parameter counts live; compare how pooling cuts the count.",
    },
    "home.card.lenet5": {
        "ko": "LeNet-5를 함께 학습합니다(학습은 서버에서 이어지고 모두가 같은 진행을 봅니다). 혼동 행렬, 배운 필터, 직접 그린 숫자 예측.",
        "en": "Train LeNet-5 together (runs continue on the server and everyone sees the same progress): confusion matrix, learned filters, predict a digit you draw.",
    },
    "home.card.own_images": {
        "ko": "폴더별로 정리한 내 그림 zip이나 notMNIST 글자로 데이터를 만들고, 보고서를 확인한 뒤 LeNet-5를 학습합니다.",
        "en": "Build a data set from a zip of class folders or notMNIST letters, read its report, then train LeNet-5 on it.",
    },
}

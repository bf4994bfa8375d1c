"""Strings of the §3 filters page (lessons/3_filters.py, ui/filtersets.py)."""

STRINGS = {
    "filtersets.title": {"ko": "필터: 필터셋은 3차원", "en": "Filters: a filter set is 3-D"},
    "filtersets.intro": {
        "ko": "1. 필터셋은 3차원 형태로 된 가중치의 모음 (높이, 너비, 들어오는 채널 수)\n"
        "2. 필터셋 하나는 앞선 레이어의 결과인 특징맵 **전체**(모든 채널)를 본다\n"
        "3. 필터셋 개수만큼 특징맵을 만든다",
        "en": "1. A filter set is a 3-D block of weights (height, width, channels coming in)\n"
        "2. One filter set looks at the **whole** feature map before it (every channel)\n"
        "3. A layer makes as many feature maps as it has filter sets",
    },
    "filtersets.colour_title": {"ko": "컬러 그림 (32, 32, 3)과 필터셋 하나", "en": "A colour picture (32, 32, 3) and one filter set"},
    "filtersets.source": {"ko": "그림", "en": "Picture"},
    "filtersets.source.sample": {"ko": "예제 그림", "en": "Sample picture"},
    "filtersets.source.upload": {"ko": "내 그림 올리기", "en": "Upload my own"},
    "filtersets.upload": {
        "ko": "그림 파일 (PNG, JPEG 등; 32×32로 줄입니다)",
        "en": "A picture file (PNG, JPEG, …; resized to 32×32)",
    },
    "filtersets.upload_missing": {"ko": "그림을 올리기 전까지는 예제 그림을 씁니다.", "en": "Until you upload a picture, the sample is used."},
    "filtersets.picture": {"ko": "그림 {shape}", "en": "Picture {shape}"},
    "filtersets.channel": {"ko": "{name} 채널", "en": "{name} channel"},
    "filtersets.kernel_size": {"ko": "필터 크기", "en": "Filter size"},
    "filtersets.preset": {"ko": "필터셋 예시", "en": "Filter-set preset"},
    "filtersets.preset.horizontal": {"ko": "가로선", "en": "Horizontal line"},
    "filtersets.preset.vertical": {"ko": "세로선", "en": "Vertical line"},
    "filtersets.preset.red_only": {"ko": "빨강만 보기", "en": "Red only"},
    "filtersets.preset.red_minus_blue": {"ko": "빨강 − 파랑", "en": "Red − blue"},
    "filtersets.preset.brightness": {"ko": "밝기 (R + G + B)", "en": "Brightness (R + G + B)"},
    "filtersets.preset.random": {"ko": "무작위", "en": "Random"},
    "filtersets.preset.custom": {"ko": "직접 만든 필터", "en": "Custom"},
    "filtersets.work_title": {"ko": "필터셋 고치기 → 부분 결과 세 장 → 특징맵 한 장", "en": "Edit the filter set → three partial maps → one feature map"},
    "filtersets.channel_editor": {"ko": "고칠 채널", "en": "Channel to edit"},
    "filtersets.grey_legend": {
        "ko": "검정 = 그 특징맵에서 가장 낮은 값, 흰색 = 가장 높은 값 (특징맵마다 따로 맞춤)",
        "en": "Black = the lowest value in that map, white = the highest (each map scaled on its own)",
    },
    "filtersets.bias": {"ko": "편향 b", "en": "Bias b"},
    "filtersets.block": {
        "ko": "필터셋의 모양 (높이, 너비, 채널) = {shape}: 채널마다 {k}×{k} 필터가 하나씩, 가중치 {n}개 + 편향 1개.",
        "en": "The filter set's shape (height, width, channels) = {shape}: one {k}×{k} filter per channel, "
        "{n} weights + 1 bias.",
    },
    "filtersets.save_png": {"ko": "PNG로 저장", "en": "Save as PNG"},
    "filtersets.bench": {"ko": "필터셋 편집기", "en": "Filter-set editor"},
    "filtersets.weights_of": {"ko": "필터 {name}의 가중치", "en": "Filter {name}'s weights"},
    "filtersets.typed": {"ko": "필터 {name}의 숫자로 입력하기", "en": "Type filter {name}'s numbers"},
    "filtersets.bench_keys": {
        "ko": "가중치 슬라이더를 움직이는 동안 부분 결과와 특징맵이 바로 바뀝니다. Tab으로 옮겨 가고 화살표 키로 바꿀 수 "
        "있습니다. 맵 위에 마우스를 올리면 (행, 열)과 값이 보입니다.",
        "en": "The partial maps and the feature map change while a weight is dragged. Tab moves between the controls, "
        "the arrow keys change them; hover over a map for its (row, column) and value.",
    },
    "filtersets.filter_of": {"ko": "필터 {name}", "en": "Filter {name}"},
    "filtersets.partial": {"ko": "{name} ⊛ 필터 {name}", "en": "{name} ⊛ filter {name}"},
    "filtersets.sum_title": {"ko": "합 + b = 특징맵 1장 {shape}", "en": "Sum + b = 1 map {shape}"},
    "filtersets.partials_caption": {
        "ko": "채널마다 따로 합성곱한 부분 결과 세 장을 칸마다 더하고 편향을 더하면 특징맵 **한 장**이 됩니다. "
        "네 장 모두 같은 색 눈금 (파랑 < 0 < 빨강)이라, 채널들이 같은 쪽을 가리키는 칸은 합에서 더 진해집니다.",
        "en": "The three partial results, one per channel, are added cell by cell, plus the bias: **one** feature map. "
        "All four share one colour scale (blue < 0 < red): where the channels agree, the sum is darker than its parts.",
    },
    "filtersets.cell_title": {"ko": "출력 한 칸의 계산", "en": "The arithmetic of one output cell"},
    "filtersets.row": {"ko": "행", "en": "Row"},
    "filtersets.col": {"ko": "열", "en": "Column"},
    "filtersets.channel_sum": {
        "ko": "{name} 채널: {k}×{k} 칸의 x·w를 모두 더하면 {value}",
        "en": "{name} channel: the {k}×{k} products x·w add up to {value}",
    },
    "filtersets.products": {"ko": "{channels}개 채널의 곱, 채널마다 {n}개", "en": "The {n} products of each of the {channels} channels"},
    "filtersets.cell_total": {"ko": "y({r}, {c}) = {terms} = {total}", "en": "y({r}, {c}) = {terms} = {total}"},
    "filtersets.cell_check": {
        "ko": "특징맵의 ({r}, {c}) 칸과 같습니다: {value}",
        "en": "The same as the feature map's cell ({r}, {c}): {value}",
    },
    "filtersets.lecture_title": {"ko": "강의의 층: Conv2D(3, 5) → Conv2D(6, 5), 진짜 숫자 위에서", "en": "The lecture's layers on a real digit: Conv2D(3, 5) → Conv2D(6, 5)"},
    "filtersets.digit": {"ko": "숫자", "en": "Digit"},
    "filtersets.seed": {"ko": "가중치 시드", "en": "Weight seed"},
    "filtersets.random_note": {
        "ko": "가중치는 학습 전의 무작위 값입니다 (Keras 기본 초기화, 시드 {seed}). 학습된 모델이 생기면 그 가중치를 씁니다.",
        "en": "The weights are random, as before training (Keras' default initialiser, seed {seed}), "
        "until a trained model exists.",
    },
    "filtersets.col.layer": {"ko": "층", "en": "Layer"},
    "filtersets.col.keras": {"ko": "Keras 모양 (kh, kw, 채널, 필터셋)", "en": "Keras' shape (kh, kw, C, sets)"},
    "filtersets.col.slide": {"ko": "슬라이드 표기", "en": "The slide's notation"},
    "filtersets.col.question": {"ko": "? = 들어오는 채널", "en": "? = channels in"},
    "filtersets.col.params": {"ko": "파라미터", "en": "Parameters"},
    "filtersets.first_maps": {
        "ko": "1층: 필터셋 3개 → 특징맵 3장 {shape}",
        "en": "Layer 1: 3 filter sets → 3 feature maps {shape}",
    },
    "filtersets.second_maps": {
        "ko": "2층: 필터셋 6개, 각각 앞의 3장을 모두 봄 → 특징맵 6장 {shape}",
        "en": "Layer 2: 6 filter sets, each sees all 3 maps before it → 6 feature maps {shape}",
    },
    "filtersets.map": {"ko": "특징맵 {n}", "en": "Map {n}"},
}

"""§5 Max-pooling (맥스풀링): the worked example."""

STRINGS = {
    "pooling.title": {"ko": "맥스풀링", "en": "Max-pooling"},
    "pooling.intro": {
        "ko": "특징맵을 작은 창으로 나누고, 창마다 가장 큰 값 하나만 남깁니다. 슬라이드: “값이 크다 = 필터로 찾으려는 특징이 많이 나타난 부분”.",
        "en": "Split the feature map into small windows and keep only the largest value of each. The slide: “a large value = the place where the feature the filter looks for appears strongly”.",
    },
    "pooling.source": {"ko": "풀링할 특징맵", "en": "Feature map to pool"},
    "pooling.source.slide": {"ko": "슬라이드의 6×6 특징맵", "en": "The slide's 6×6 feature map"},
    "pooling.source.carried": {"ko": "합성곱 연산 쪽에서 만든 특징맵", "en": "The map you made on the arithmetic page"},
    "pooling.no_carried": {
        "ko": "아직 가져온 특징맵이 없습니다. ‘합성곱 연산’ 쪽에서 “이 특징맵을 맥스풀링하기”를 누르세요.",
        "en": "No map carried over yet. Press “Max-pool this feature map” on the arithmetic page.",
    },
    "pooling.size": {"ko": "풀 크기 (pool_size)", "en": "Pool size (pool_size)"},
    "pooling.stride": {"ko": "스트라이드 (strides)", "en": "Stride (strides)"},
    "pooling.stride_default": {"ko": "풀 크기와 같게 (Keras 기본값)", "en": "same as the pool size (Keras' default)"},
    "pooling.edit": {"ko": "특징맵 고치기", "en": "Edit the feature map"},
    "pooling.input": {"ko": "특징맵 ({h}×{w}) — 동그라미: 이긴 칸", "en": "Feature map ({h}×{w}) — circles: the winners"},
    "pooling.output": {"ko": "맥스풀링 결과 ({h}×{w})", "en": "After max-pooling ({h}×{w})"},
    "pooling.too_small": {
        "ko": "{size}×{size} 창이 {h}×{w} 특징맵에 들어가지 않습니다. 풀 크기를 줄이세요.",
        "en": "A {size}×{size} window does not fit a {h}×{w} map. Choose a smaller pool size.",
    },
    "pooling.winners": {"ko": "창마다 이긴 칸", "en": "The winner of each window"},
    "pooling.winner_row": {
        "ko": "출력 ({r}, {c}) = {v} ← 입력 칸 ({ir}, {ic})",
        "en": "output ({r}, {c}) = {v} ← input cell ({ir}, {ic})",
    },
    "pooling.size_formula": {"ko": "출력 크기: ⌊({n} − {k}) / {s}⌋ + 1 = {o}", "en": "Output size: ⌊({n} − {k}) / {s}⌋ + 1 = {o}"},
    "pooling.digit_title": {"ko": "실제 숫자에서: 입력 → 특징맵 → 풀링", "en": "On a real digit: input → feature map → pooled"},
    "pooling.digit_intro": {
        "ko": "필터가 찾는 모양이 강하게 나타난 곳은 풀링 뒤에도 밝게 남습니다. 크기는 4분의 1로 줄어듭니다.",
        "en": "Where the filter's pattern appears strongly stays bright after pooling, while the map shrinks to a quarter of its size.",
    },
    "pooling.digit": {"ko": "숫자", "en": "Digit"},
    "pooling.filter": {"ko": "필터", "en": "Filter"},
    "pooling.fig_input": {"ko": "입력 (28×28)", "en": "Input (28×28)"},
    "pooling.fig_map": {"ko": "특징맵 ({h}×{w}, ReLU)", "en": "Feature map ({h}×{w}, ReLU)"},
    "pooling.fig_pooled": {"ko": "2×2 맥스풀링 ({h}×{w})", "en": "2×2 max-pooled ({h}×{w})"},
}

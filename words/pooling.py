"""§5 Max-pooling (맥스풀링): the worked example."""

STRINGS = {
    "pooling.title": {"ko": "맥스풀링", "en": "Max-pooling"},
    "pooling.intro": {
        "ko": "특징맵을 작은 창으로 나누고, 창마다 가장 큰 값 하나만 남깁니다. 슬라이드: “값이 크다 = 필터로 찾으려는 특징이 많이 나타난 부분”.",
        "en": "Split the feature map into small windows and keep only the largest value of each. The slide: “a large value = the place where the feature the filter looks for appears strongly”.",
    },
    "pooling.source": {"ko": "풀링할 특징맵", "en": "Feature map to pool"},
    "pooling.source.slide": {"ko": "슬라이드의 {h}×{w} 특징맵", "en": "The slide's {h}×{w} feature map"},
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
        "ko": "필터가 찾는 모양이 강하게 나타난 곳(빨강)은 풀링 뒤에도 빨갛게 남습니다. 크기는 4분의 1로 줄어듭니다. 두 맵은 같은 색 눈금을 씁니다.",
        "en": "Where the filter's pattern appears strongly (red) stays red after pooling, while the map shrinks to a quarter of its size. Both maps share one colour scale.",
    },
    "pooling.digit": {"ko": "숫자", "en": "Digit"},
    "pooling.filter": {"ko": "필터", "en": "Filter"},
    "pooling.fig_input": {"ko": "입력 ({h}×{w})", "en": "Input ({h}×{w})"},
    "pooling.fig_map": {"ko": "특징맵 ({h}×{w}, ReLU)", "en": "Feature map ({h}×{w}, ReLU)"},
    "pooling.fig_pooled": {"ko": "{k}×{k} 맥스풀링 ({h}×{w})", "en": "{k}×{k} max-pooled ({h}×{w})"},
    # the lecture's story: why pooling (parameter counts)
    "pooling.why_title": {"ko": "왜 풀링인가: 파라미터 수", "en": "Why pooling: the number of parameters"},
    "pooling.why_intro": {
        "ko": "슬라이드의 세 모델을 model.summary()처럼 셉니다. 합성곱 층을 넣으면 Flatten 뒤의 Dense(84)가 커지고, 맥스풀링은 특징맵을 줄여 그 수를 줄입니다.",
        "en": "The slides' three models, counted as model.summary() counts them. Conv2D layers make the Dense(84) after Flatten bigger; max-pooling shrinks the maps and with them that count.",
    },
    "pooling.q_params": {
        "ko": "Conv2D마다 뒤에 MaxPool2D를 넣으면 파라미터는 모두 몇 개일까요?",
        "en": "With a MaxPool2D after each Conv2D, how many parameters are there in all?",
    },
    "pooling.model.dense_only": {"ko": "① Dense만", "en": "① Dense only"},
    "pooling.model.two_conv": {"ko": "② Conv2D ×2", "en": "② Conv2D ×2"},
    "pooling.model.two_conv_pool": {"ko": "③ + MaxPool2D", "en": "③ + MaxPool2D"},
    "pooling.about.dense_only": {"ko": "{arrows}, {shape} 입력", "en": "{arrows} on {shape}"},
    "pooling.about.two_conv": {"ko": "{arrows}, 풀링 없음", "en": "{arrows}, no pooling"},
    "pooling.about.two_conv_pool": {"ko": "{arrows}: Conv2D마다 뒤에 MaxPool2D", "en": "{arrows}: a MaxPool2D after each Conv2D"},
    "pooling.total": {"ko": "전체 파라미터", "en": "Total parameters"},
    "pooling.dense_line": {
        "ko": "{about}. Flatten 뒤 Dense(84): {formula}",
        "en": "{about}. Dense(84) after Flatten: {formula}",
    },
    "pooling.to_lab": {"ko": "이 모델을 층 쌓기 실험실에서 열기", "en": "Open this model in the layer-stack lab"},
    "pooling.example_title": {"ko": "슬라이드의 예: 창마다 가장 큰 값", "en": "The slide's example: the largest value of each window"},
    # stepping through the windows
    "pooling.step_title": {"ko": "창을 하나씩", "en": "One window at a time"},
    "pooling.window": {"ko": "창 번호", "en": "Window"},
    "pooling.prev": {"ko": "이전", "en": "Back"},
    "pooling.next": {"ko": "다음", "en": "Next"},
    "pooling.play": {"ko": "재생", "en": "Play"},
    "pooling.pause": {"ko": "멈춤", "en": "Pause"},
    "pooling.keys": {
        "ko": "키보드: ← / → 창 이동, 스페이스 재생·멈춤",
        "en": "Keys: ← / → move the window, space plays or pauses",
    },
    "pooling.step_sentence": {
        "ko": "창 {k}: 입력 {rows}행 × {cols}열 → 출력 ({r}, {c}).",
        "en": "Window {k}: input rows {rows} × columns {cols} → output ({r}, {c}).",
    },
    "pooling.step_winner": {"ko": "가장 큰 값은 입력 칸 ({ir}, {ic})에 있습니다.", "en": "The largest value sits in input cell ({ir}, {ic})."},
    "pooling.fig_window": {"ko": "특징맵 ({h}×{w}) — 노란 상자: 지금 창, 동그라미: 최댓값", "en": "Feature map ({h}×{w}) — yellow box: this window, circle: its max"},
    "pooling.fig_out": {"ko": "출력 ({h}×{w}) — 상자: 지금 칸", "en": "Output ({h}×{w}) — box: this cell"},
    "pooling.save_png": {"ko": "PNG로 저장", "en": "Save as PNG"},
    "pooling.after_reveal": {
        "ko": "이 모델의 model.summary()는 선생님이 정답을 공개하면 나타납니다.",
        "en": "This model's model.summary() appears when the teacher reveals the answer.",
    },
}

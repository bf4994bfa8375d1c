"""Strings of the layer-stack lab (§2, §5): lessons/2_stack_lab.py and ui/stack_lab.py."""

STRINGS = {
    "lab.title": {"ko": "층 쌓기 실험실: model.summary()", "en": "Layer-stack lab: model.summary()"},
    "lab.intro": {
        "ko": "강의의 모델을 불러오거나 층을 더하고, 빼고, 옮겨 보세요. 출력 모양과 파라미터 수는 "
        "TensorFlow 없이 바로 계산되고, 원하면 진짜 Keras의 model.summary()와 나란히 비교합니다.",
        "en": "Load a model from the lecture, or add, remove and move layers. Output shapes and parameter "
        "counts are computed at once without TensorFlow; on request, the real Keras model.summary() "
        "is shown beside them.",
    },
    "lab.presets": {"ko": "강의의 모델", "en": "The lecture's models"},
    "lab.preset.dense_only": {"ko": "Flatten → Dense (§5)", "en": "Flatten → Dense (§5)"},
    "lab.preset.two_conv": {"ko": "Conv2D 두 개 (§2)", "en": "Two Conv2D (§2)"},
    "lab.preset.two_conv_pool": {"ko": "Conv2D + MaxPool2D (§5)", "en": "Conv2D + MaxPool2D (§5)"},
    "lab.preset.lenet5": {"ko": "LeNet-5 (§6)", "en": "LeNet-5 (§6)"},
    "lab.input": {"ko": "입력 모양", "en": "Input shape"},
    "lab.input.28x28x1": {"ko": "28×28×1 (MNIST)", "en": "28×28×1 (MNIST)"},
    "lab.input.32x32x3": {"ko": "32×32×3 (컬러)", "en": "32×32×3 (colour)"},
    "lab.input.28x28": {"ko": "28×28 (채널 없음)", "en": "28×28 (no channel axis)"},
    "lab.input.custom": {"ko": "직접 입력", "en": "Custom"},
    "lab.height": {"ko": "높이", "en": "Height"},
    "lab.width": {"ko": "너비", "en": "Width"},
    "lab.channels": {"ko": "채널", "en": "Channels"},
    "lab.layers": {"ko": "층", "en": "Layers"},
    "lab.empty": {"ko": "아직 층이 없습니다. 위에서 층을 더해 보세요.", "en": "No layers yet: add one above."},
    "lab.question": {"ko": "이 모델의 파라미터는 모두 몇 개일까요?", "en": "How many parameters does this model have?"},
    "lab.add_type": {"ko": "더할 층", "en": "Layer to add"},
    "lab.add": {"ko": "층 더하기", "en": "Add layer"},
    "lab.add_full": {
        "ko": "이 실험실에서는 층을 {limit}개까지 쌓을 수 있습니다 (LeNet-5는 8개입니다).",
        "en": "This lab stacks at most {limit} layers (LeNet-5 has 8).",
    },
    "lab.editor": {"ko": "층 편집기", "en": "Layer editor"},
    "lab.layer_n": {"ko": "{n}번째 층", "en": "Layer {n}"},
    "lab.kind": {"ko": "층 종류", "en": "Layer type"},
    "lab.editor_keys": {
        "ko": "키보드로도 됩니다: Tab으로 칸과 단추 사이를 옮기고, 숫자를 고친 뒤 Enter, 단추는 Enter로 누릅니다.",
        "en": "Keyboard works too: Tab moves between boxes and buttons; type a number and press Enter; Enter presses a button.",
    },
    "lab.up": {"ko": "위로", "en": "Move up"},
    "lab.down": {"ko": "아래로", "en": "Move down"},
    "lab.remove": {"ko": "빼기", "en": "Remove"},
    "lab.filters": {"ko": "필터셋 수", "en": "Filters"},
    "lab.kernel_size": {"ko": "커널 크기", "en": "Kernel size"},
    "lab.strides": {"ko": "보폭 (strides)", "en": "Strides"},
    "lab.padding": {"ko": "패딩", "en": "Padding"},
    "lab.activation": {"ko": "활성화 함수", "en": "Activation"},
    "lab.no_activation": {"ko": "없음 (linear)", "en": "none (linear)"},
    "lab.pool_size": {"ko": "풀링 크기", "en": "Pool size"},
    "lab.pool_strides": {"ko": "보폭 (strides)", "en": "Strides"},
    "lab.same_as_pool": {"ko": "= 풀링 크기", "en": "= pool size"},
    "lab.units": {"ko": "뉴런 수", "en": "Units"},
    "lab.rate": {"ko": "끄는 비율 (rate)", "en": "Rate"},
    "lab.row_out": {"ko": "→ 출력 {shape}, 파라미터 {params}개", "en": "→ output {shape}, {params} params"},
    "lab.flatten_note": {"ko": "특징맵을 한 줄로 폅니다 (파라미터 없음)", "en": "Flattens the feature maps into one row (no parameters)"},
    "lab.table": {"ko": "모양과 파라미터 (TensorFlow 없이 계산)", "en": "Shapes and parameters (computed without TensorFlow)"},
    "lab.col.layer": {"ko": "Layer (type)", "en": "Layer (type)"},
    "lab.col.shape": {"ko": "Output Shape", "en": "Output Shape"},
    "lab.col.params": {"ko": "Param #", "en": "Param #"},
    "lab.col.formula": {"ko": "파라미터 계산", "en": "How the params are counted"},
    "lab.col.size": {"ko": "출력 크기 계산", "en": "How the output size is found"},
    "lab.total": {"ko": "전체 파라미터", "en": "Total params"},
    "lab.biggest": {
        "ko": "가장 큰 층은 {name}: 전체의 {share}",
        "en": "The biggest layer is {name}: {share} of the total",
    },
    "lab.dense_last_axis": {
        "ko": "{name}: Dense가 Flatten 없이 {shape} 모양의 특징맵을 받았습니다. Keras에서 Dense는 마지막 축"
        "(채널 {n}개)에만 작용해서, 모든 칸에 같은 {n}→{units} 가중치를 씁니다. 오류는 아니지만 "
        "특징맵은 그대로 남고 분류기는 되지 않습니다. 분류하려면 앞에 Flatten을 넣으세요.",
        "en": "{name}: this Dense gets a {shape} feature map with no Flatten before it. In Keras, Dense acts on "
        "the last axis only ({n} channels), with the same {n}→{units} weights at every cell. Not an error, "
        "but the feature map stays a map and is not yet a classifier: put a Flatten first to classify.",
    },
    "lab.chart_title": {"ko": "층별 파라미터 수", "en": "Parameters per layer"},
    "lab.keras": {"ko": "진짜 Keras model.summary() 보기", "en": "Show the real Keras model.summary()"},
    "lab.loading_tf": {
        "ko": "TensorFlow를 불러오는 중입니다 (처음 한 번, 몇 초 걸립니다)…",
        "en": "Loading TensorFlow (once, it takes a few seconds)…",
    },
    "lab.building": {"ko": "Keras 모델을 만드는 중…", "en": "Building the Keras model…"},
    "lab.keras_agrees": {
        "ko": "Keras의 count_params() = {keras}, 표의 합계 = {ours}: 층마다 모양과 개수가 같습니다.",
        "en": "Keras' count_params() = {keras}, the table's total = {ours}: every layer's shape and count agree.",
    },
    "lab.keras_differs": {
        "ko": "Keras와 표가 다릅니다 (Keras {keras}, 표 {ours}). 버그이니 알려 주세요.",
        "en": "Keras and the table differ (Keras {keras}, table {ours}). This is a bug: please report it.",
    },
    "lab.keras_timing": {"ko": "Keras로 만드는 데 {ms} ms", "en": "Built by Keras in {ms} ms"},
    "lab.code": {"ko": "Keras 코드 (강의 스타일)", "en": "Keras code (the lecture's style)"},
    "lab.compare": {"ko": "모델 비교 (최대 3개)", "en": "Compare models (up to three)"},
    "lab.compare_add": {"ko": "지금 모델을 비교에 넣기", "en": "Add this model to the comparison"},
    "lab.compare_full": {"ko": "비교는 3개까지입니다. 하나를 빼고 넣으세요.", "en": "Three at most: remove one first."},
    "lab.compare_story": {
        "ko": "풀링의 효과 보기: {before} → {after}",
        "en": "See what pooling did: {before} → {after}",
    },
    "lab.compare_clear": {"ko": "비교 비우기", "en": "Clear the comparison"},
    "lab.compare_remove": {"ko": "빼기", "en": "Remove"},
    "lab.compare_load": {"ko": "편집기로 불러오기", "en": "Load into the editor"},
    "lab.compare_empty": {
        "ko": "비교할 모델이 없습니다. 위 버튼으로 지금 모델을 넣거나 풀링 이야기를 불러오세요.",
        "en": "Nothing to compare yet: add the current model, or load the pooling story.",
    },
    "lab.compare_ratio": {
        "ko": "파라미터 수: {a} — {b}의 {ratio}배 ({na} 대 {nb}).",
        "en": "{a} has {ratio} times as many parameters as {b} ({na} vs {nb}).",
    },
    "lab.custom_stack": {"ko": "모델 {n}", "en": "Model {n}"},
    "lab.invalid_in_compare": {"ko": "이 모델은 만들 수 없습니다: {msg}", "en": "This model cannot be built: {msg}"},
    "lab.link": {"ko": "이 모델의 링크", "en": "Link to this model"},
    "lab.link_help": {
        "ko": "주소창의 링크에 지금 모델이 들어 있습니다. 복사해서 보내면 같은 모델이 열립니다: ",
        "en": "The address bar holds this model: copy the link and it opens the same model. Its text: ",
    },
    "lab.train_this": {"ko": "이 모델 학습하기 (LeNet-5 쪽)", "en": "Train this model (LeNet-5 page)"},
}

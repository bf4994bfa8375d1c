"""Why a layer stack cannot be built (cnnlib.architecture.StackError), and which layer it is.

The layer's position ("3번째 층: ") is its own entry, shown in front of the message by
ui.i18n.message; each message reads as a whole sentence after it.
"""

STRINGS = {
    "stack_errors.where_layer": {"ko": "{n}번째 층: ", "en": "Layer {n}: "},
    "stack_errors.unknown_type": {
        "ko": "알 수 없는 층 종류입니다: {kind!r}. 가능한 종류: {known}",
        "en": "unknown layer type {kind!r}. Known types: {known}",
    },
    "stack_errors.unknown_argument": {
        "ko": "{kind}에는 {args} 인자가 없습니다",
        "en": "{kind} takes no argument {args}",
    },
    "stack_errors.missing_argument": {
        "ko": "{kind}에는 {arg} 값이 필요합니다",
        "en": "{kind} needs a value for {arg}",
    },
    "stack_errors.count_too_small": {
        "ko": "{kind}의 {arg}: 1 이상의 정수여야 합니다 (받은 값: {value!r}). "
        "필터셋이나 뉴런이 0개인 층은 아무것도 만들지 않습니다.",
        "en": "{kind}'s {arg} must be a whole number ≥ 1 (got {value!r}): a layer with no filter sets or units makes nothing.",
    },
    "stack_errors.bad_size": {
        "ko": "{kind}의 {arg}: 1 이상의 정수(또는 정수 두 개)여야 합니다 ({value!r})",
        "en": "{kind}'s {arg} must be a whole number ≥ 1 (or two of them): {value!r}",
    },
    "stack_errors.bad_padding": {
        "ko": "padding은 'valid' 또는 'same'이어야 합니다: {value!r}",
        "en": "padding must be 'valid' or 'same': {value!r}",
    },
    "stack_errors.unknown_activation": {
        "ko": "알 수 없는 활성화 함수입니다: {value!r}",
        "en": "unknown activation {value!r}",
    },
    "stack_errors.bad_rate": {
        "ko": "Dropout의 rate는 0과 1 사이여야 합니다: {value!r}",
        "en": "Dropout's rate must be between 0 and 1: {value!r}",
    },
    "stack_errors.above_limit": {
        "ko": "{kind}의 {arg}: 이 실험실에서는 {limit} 이하여야 합니다 (받은 값: {value!r})",
        "en": "{kind}'s {arg} may be at most {limit} in this lab (got {value!r})",
    },
    "stack_errors.input_too_large": {
        "ko": "입력 모양이 너무 큽니다 ({shape}). 높이와 너비는 {side} 이하, 채널은 {channels}개 이하여야 합니다.",
        "en": "The input shape {shape} is too large: height and width may be at most {side}, channels at most {channels}.",
    },
    "stack_errors.too_many_layers": {
        "ko": "층이 {count:,}개입니다. 이 실험실에서는 {limit}개까지 쌓을 수 있습니다 (LeNet-5는 8개입니다).",
        "en": "{count:,} layers: this lab stacks at most {limit} (LeNet-5 has 8).",
    },
    "stack_errors.too_big_to_build": {
        "ko": "이 모델은 가중치만으로도 메모리가 약 {needed:,} MB 필요해서, 서버가 허용하는 {budget:,} MB를 넘습니다. "
        "뉴런이나 필터셋 수를 줄이거나 Dense 앞에 MaxPool2D를 넣어 보세요.",
        "en": "Building this model would take about {needed:,} MB of memory for its weights alone, more than the "
        "{budget:,} MB the server allows. Use fewer units or filters, or put a MaxPool2D before the Dense layer.",
    },
    "stack_errors.build_failed": {
        "ko": "Keras가 이 모델을 만들지 못했습니다 ({error}). 위의 표는 TensorFlow 없이 계산한 그대로입니다.",
        "en": "Keras could not build this model ({error}). The table above, computed without TensorFlow, still holds.",
    },
    "stack_errors.bad_input_shape": {
        "ko": "입력 모양은 1 이상의 정수들이어야 합니다: {shape!r}",
        "en": "The input shape must be whole numbers ≥ 1: {shape!r}",
    },
    "stack_errors.not_a_list": {"ko": "층 목록이 필요합니다", "en": "A list of layers is needed"},
    "stack_errors.needs_feature_map": {
        "ko": "{kind}: (높이, 너비, 채널) 3차원 특징맵이 필요한데 들어오는 모양이 {shape}입니다",
        "en": "{kind} needs a 3-D (height, width, channels) feature map but receives {shape}",
    },
    "stack_errors.no_feature_map_left": {
        "ko": "{kind}: (높이, 너비, 채널) 3차원 특징맵이 필요한데 들어오는 모양이 {shape}입니다 "
        "(Flatten이나 Dense 뒤에는 특징맵이 없습니다)",
        "en": "{kind} needs a 3-D (height, width, channels) feature map but receives {shape} "
        "(after Flatten or Dense there is no feature map left)",
    },
    "stack_errors.kernel_too_large": {
        "ko": "커널 크기({window_h}×{window_w})가 특징맵({map_h}×{map_w})보다 커서 출력 크기가 0 이하가 됩니다 "
        "(padding='valid'). 더 작은 커널이나 padding='same'을 쓰세요.",
        "en": "the kernel {window_h}×{window_w} is larger than the {map_h}×{map_w} feature map, so the output size "
        "would be 0 or less (padding='valid'). Use a smaller kernel or padding='same'.",
    },
    "stack_errors.pool_too_large": {
        "ko": "풀링 창 크기({window_h}×{window_w})가 특징맵({map_h}×{map_w})보다 커서 출력 크기가 0 이하가 됩니다 "
        "(padding='valid'). 더 작은 풀링 창이나 padding='same'을 쓰세요.",
        "en": "the pooling window {window_h}×{window_w} is larger than the {map_h}×{map_w} feature map, so the output "
        "size would be 0 or less (padding='valid'). Use a smaller pooling window or padding='same'.",
    },
    "stack_errors.unreadable_text": {
        "ko": "층 설명을 읽을 수 없습니다: {text!r}",
        "en": "Cannot read the layer description {text!r}",
    },
}

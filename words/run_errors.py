"""Words for services.runs' codes (TrainingError, NanLossError): why a run cannot start or did not finish."""

STRINGS = {
    "run_errors.not_whole_number": {
        "ko": "{name}: {low:,}에서 {high:,} 사이의 정수여야 합니다 ({value!r})",
        "en": "{name} must be a whole number from {low:,} to {high:,}: {value!r}",
    },
    "run_errors.learning_rate": {
        "ko": "학습률은 {low:g}에서 {high:g} 사이여야 합니다: {value!r}",
        "en": "The learning rate must be from {low:g} to {high:g}: {value!r}",
    },
    "run_errors.not_one_of": {
        "ko": "{name}: {allowed} 중 하나여야 합니다 ({value!r})",
        "en": "{name} must be one of {allowed}: {value!r}",
    },
    "run_errors.no_layers": {"ko": "학습할 층이 없습니다", "en": "There are no layers to train"},
    "run_errors.too_big": {
        "ko": "이 모델은 학습에 약 {needed:,.0f} MB가 필요해 이 서버({budget:,} MB)에는 너무 큽니다. "
              "배치 크기를 줄이거나 풀링 층을 넣어 보세요.",
        "en": "This model needs about {needed:,.0f} MB to train, too much for this server "
              "({budget:,} MB). Try a smaller batch or add pooling layers.",
    },
    "run_errors.too_slow": {
        "ko": "이 학습은 이 서버에서 약 {seconds:,.0f}초가 걸릴 것으로 예상되어 한도({limit:,.0f}초, "
              "CNNLIB_RUN_MAX_SECONDS)를 넘습니다. 에포크나 학습 이미지 수를 줄이거나, 배치 크기를 키우거나, "
              "필터 수를 줄이거나 풀링 층을 넣어 보세요.",
        "en": "This run is estimated to take about {seconds:,.0f} s on this server, over the limit of "
              "{limit:,.0f} s (CNNLIB_RUN_MAX_SECONDS). Try fewer epochs or training images, a larger batch, "
              "fewer filters or pooling layers.",
    },
    "run_errors.too_long": {
        "ko": "학습이 시간 한도({limit:,.0f}초, CNNLIB_RUN_MAX_SECONDS)를 넘어 멈췄습니다. 아무것도 저장되지 "
              "않았습니다. 서버가 바쁠 때일 수 있으니 더 작은 설정으로 다시 해 보세요.",
        "en": "The run passed the time limit of {limit:,.0f} s (CNNLIB_RUN_MAX_SECONDS) and was stopped. "
              "Nothing was saved. The server may be busy: try smaller settings.",
    },
    "run_errors.one_at_a_time": {
        "ko": "이미 기다리고 있는 학습이 하나 있습니다. 한 사람은 한 번에 하나의 학습만 요청할 수 있으니, "
              "그 학습이 끝나거나 내 요청을 취소한 뒤에 다시 눌러 주세요.",
        "en": "You are already waiting for another run. Each person may ask for one run at a time: "
              "press again once it has finished, or after withdrawing your request.",
    },
    "run_errors.broken_model": {
        "ko": "저장된 모델 파일을 읽을 수 없어({name}) 캐시에서 지웠습니다. 다시 학습해 주세요.",
        "en": "The saved model file could not be read ({name}), so it was removed from the cache. Please train again.",
    },
    "run_errors.cache_folder": {
        "ko": "결과를 저장할 폴더를 만들 수 없습니다: {path} ({reason}). CNNLIB_CACHE_DIR를 바꿔 보세요.",
        "en": "Cannot create the results folder {path} ({reason}). Set CNNLIB_CACHE_DIR elsewhere.",
    },
    "run_errors.no_images": {
        "ko": "학습할 이미지가 {train:,}장, 테스트할 이미지가 {test:,}장이라 학습할 수 없습니다. 클래스마다 이미지를 두 장 이상 넣어 주세요.",
        "en": "Cannot train with {train:,} training and {test:,} test images. Give every class at least two images.",
    },
    "run_errors.input_shape": {
        "ko": "모델의 입력 모양과 데이터의 이미지 모양이 맞지 않습니다: 모델 {shape}, 데이터 {image}",
        "en": "The model's input shape {shape} does not fit the dataset's images {image}",
    },
    "run_errors.output_shape": {
        "ko": "마지막 층의 출력 모양은 (None, {classes})이어야 합니다 (클래스 {classes}개): 지금은 {shape}. "
              "마지막에 Flatten과 Dense({classes}, activation='softmax')를 두세요.",
        "en": "The last layer must output (None, {classes}) for {classes} classes, not {shape}. "
              "End with Flatten and Dense({classes}, activation='softmax').",
    },
    "run_errors.nan_loss": {
        "ko": "{epoch}번째 에포크 {batch}번째 배치에서 손실이 NaN(수가 아님)이 되어 학습을 멈췄습니다 "
              "(Keras의 TerminateOnNaN과 같음). 학습률을 낮추거나 입력을 0–1로 스케일링해 보세요.",
        "en": "The loss became NaN (not a number) at epoch {epoch}, batch {batch}, so training "
              "stopped (as Keras' TerminateOnNaN does). Try a smaller learning rate or inputs scaled to 0–1.",
    },
    "run_errors.out_of_memory": {
        "ko": "메모리가 부족해 학습을 멈췄습니다 ({name}). 배치 크기나 학습 이미지 수를 줄여 보세요.",
        "en": "Training stopped: out of memory ({name}). Try a smaller batch or fewer training images.",
    },
    "run_errors.failed": {"ko": "학습이 실패했습니다: {name}: {text}", "en": "Training failed: {name}: {text}"},
    "run_errors.cancelled": {"ko": "학습이 취소되었습니다", "en": "The run was cancelled"},
}

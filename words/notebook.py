"""The words of the generated notebooks (notebooks.NotebookText): Markdown cells, comments, printed lines.

The lecture names its data 독립 (independent) and 종속 (dependent); the code keeps those names in
every language, and the English text says what they mean.
"""

STRINGS = {
    # ---- one heading and one explanation per page ----------------------------------------------
    "notebook.title_why_convolution": {"ko": "§1 왜 합성곱인가", "en": "§1 Why convolution"},
    "notebook.about_why_convolution": {
        "ko": "합성곱은 특정 패턴의 특징이 **어디에** 나타나는지 찾는 도구입니다. 필터를 숫자 이미지 위로 밀면서 "
              "곱하고 더하면 특징맵(feature map)이 만들어지고, 패턴이 있는 곳에서 값이 커집니다.",
        "en": "Convolution is a tool that finds **where** a particular pattern appears. Sliding a filter over a "
              "digit, multiplying and summing, makes a feature map whose values are large where the pattern is.",
    },
    "notebook.title_filter_sets": {"ko": "§3 필터", "en": "§3 Filters"},
    "notebook.about_filter_sets": {
        "ko": "(1) 필터 세트는 3차원 가중치 덩어리입니다. (2) 필터 세트 하나는 이전 층의 특징맵 **전체**(모든 채널)를 봅니다. "
              "(3) 층은 필터 세트 수만큼 특징맵을 만듭니다.",
        "en": "(1) A filter set is a 3-D block of weights. (2) One filter set looks at the WHOLE feature map of the "
              "previous layer (all its channels). (3) A layer makes as many feature maps as it has filter sets.",
    },
    "notebook.title_convolution_arithmetic": {"ko": "§4 Convolution 연산", "en": "§4 Convolution arithmetic"},
    "notebook.about_convolution_arithmetic": {
        "ko": "필터를 입력 위에 놓고, 겹치는 칸끼리 곱해서 모두 더하면 출력 한 칸이 됩니다: "
              "y1 = x1·w1 + x2·w2 + x3·w3 + x9·w4 + x10·w5 + x11·w6 + x17·w7 + x18·w8 + x19·w9.",
        "en": "Put the filter on the input, multiply the cells that overlap and add everything up: that is one "
              "output cell, y1 = x1·w1 + x2·w2 + x3·w3 + x9·w4 + x10·w5 + x11·w6 + x17·w7 + x18·w8 + x19·w9.",
    },
    "notebook.title_max_pooling": {"ko": "§5 Max-pooling", "en": "§5 Max-pooling"},
    "notebook.about_max_pooling": {
        "ko": "Max-pooling은 창마다 가장 큰 값만 남깁니다. 큰 값 = 필터가 찾는 특징이 강하게 나타난 곳이므로, "
              "특징맵은 작아지고(다음 층의 파라미터 수도 줄어들고) 중요한 정보는 남습니다.",
        "en": "Max-pooling keeps only the largest value of each window. A large value is where the feature the "
              "filter looks for appears strongly, so the map gets smaller (and so do the next layer's parameters) "
              "while what matters stays.",
    },
    "notebook.title_conv2d_in_keras": {"ko": "§2 Keras의 Conv2D 층", "en": "§2 Conv2D layers in Keras"},
    "notebook.about_conv2d_in_keras": {
        "ko": "강의의 모델: Conv2D(3, kernel_size=5) → Conv2D(6, kernel_size=5) → Flatten → Dense(84) → Dense(10, softmax)를 "
              "MNIST로 학습합니다.",
        "en": "The lecture's model, Conv2D(3, kernel_size=5) → Conv2D(6, kernel_size=5) → Flatten → Dense(84) → "
              "Dense(10, softmax), trained on MNIST.",
    },
    "notebook.title_layer_stack_lab": {"ko": "층 쌓기 실험실", "en": "Layer-stack lab"},
    "notebook.about_layer_stack_lab": {
        "ko": "페이지에서 쌓은 층 그대로의 모델입니다. `model.summary()`에서 층마다 출력 모양과 파라미터 수를 확인하세요.",
        "en": "The model exactly as stacked on the page. `model.summary()` shows each layer's output shape and "
              "parameter count.",
    },
    "notebook.title_lenet_5": {"ko": "§6 LeNet-5", "en": "§6 LeNet-5"},
    "notebook.about_lenet_5": {
        "ko": "LeNet-5(LeCun, 1998): Conv2D(6, 5, padding='same') → MaxPool2D → Conv2D(16, 5) → MaxPool2D → Flatten → "
              "Dense(120) → Dense(84) → Dense(10, softmax). 페이지에서 고른 모델과 학습 설정으로 MNIST를 학습합니다.",
        "en": "LeNet-5 (LeCun, 1998): Conv2D(6, 5, padding='same') → MaxPool2D → Conv2D(16, 5) → MaxPool2D → Flatten → "
              "Dense(120) → Dense(84) → Dense(10, softmax). It trains on MNIST with the model and settings chosen on the page.",
    },
    "notebook.title_own_images": {"ko": "§7 내 이미지 사용", "en": "§7 Using your own images"},
    "notebook.about_own_images": {
        "ko": "폴더 하나가 클래스 하나입니다. 모든 그림을 `glob`과 `plt.imread`로 읽고, 레이블은 폴더 이름으로 붙여서 "
              "같은 모델을 학습합니다.",
        "en": "One folder is one class. Every picture is read with `glob` and `plt.imread`, labelled with its "
              "folder's name, and the same model is trained on them.",
    },
    # ---- every notebook ----------------------------------------------------------------------------
    "notebook.made_from": {
        "ko": "CNN 기초 대시보드의 `{page}` 페이지에서 화면에 있던 설정 그대로 만든 노트북입니다. "
              "대시보드 코드는 필요 없습니다: 위에서부터 차례로 실행하세요 (Jupyter, Colab).",
        "en": "Made by the CNN basics dashboard from exactly the setting on its `{page}` page. It needs none of "
              "the dashboard's code: run the cells from the top (Jupyter, Colab).",
    },
    "notebook.contract": {
        "ko": "끝까지 실행하면 페이지의 결과가 {names} 변수에 들어 있습니다.",
        "en": "Once it has run to the end, the page's result is in {names}.",
    },
    "notebook.independent": {"ko": "독립", "en": "독립"},
    "notebook.dependent": {"ko": "종속", "en": "종속"},
    # ---- MNIST -------------------------------------------------------------------------------------
    "notebook.mnist_data": {
        "ko": "**데이터.** 강의처럼 `tf.keras.datasets.mnist.load_data()`로 MNIST를 내려받습니다. 인터넷이 없을 때를 위해, "
              "노트북 옆에 대시보드의 표본 파일(`{file}`, 진짜 MNIST 10,000장: 학습 8,000 + 시험 2,000)이 있으면 "
              "대신 그 파일을 numpy로 읽습니다. 어느 쪽을 썼는지 셀이 출력합니다.",
        "en": "**Data.** MNIST is downloaded with `tf.keras.datasets.mnist.load_data()`, as in the lecture. For "
              "offline use, when the dashboard's sample file `{file}` (10,000 real MNIST digits: 8,000 training + "
              "2,000 test) sits next to this notebook, it is read with numpy instead. The cell prints which one it used.",
    },
    "notebook.mnist_sample": {"ko": "오프라인 표본 파일을 읽었습니다: {file}", "en": "Read the offline sample file: {file}"},
    "notebook.mnist_keras": {"ko": "Keras로 MNIST를 내려받았습니다", "en": "Downloaded MNIST through Keras"},
    "notebook.subset": {
        "ko": "학습에는 앞에서부터 {n:,}장까지 씁니다 (페이지의 설정).",
        "en": "Training uses up to the first {n:,} images (the page's setting).",
    },
    # ---- §1 ----------------------------------------------------------------------------------------
    "notebook.why_digit": {
        "ko": "페이지에서 본 숫자 **{digit}** 이미지(28×28, 0–255)를 그대로 적었습니다. 255로 나눠 0–1로 만듭니다.",
        "en": "The picture of the digit **{digit}** shown on the page (28×28, 0–255), written out; divided by 255 to 0–1.",
    },
    "notebook.why_filter": {
        "ko": "패턴을 찾는 3×3 필터 (`{pattern}`).",
        "en": "The 3×3 filter that looks for the pattern (`{pattern}`).",
    },
    "notebook.why_keras": {
        "ko": "필터 하나짜리 `Conv2D`에 이 가중치를 `set_weights`로 넣습니다. `padding='same'`이라 특징맵도 28×28이고, "
              "ReLU가 음수를 0으로 만들어 패턴이 있는 곳만 밝게 남깁니다. 결과: `feature_map`.",
        "en": "A `Conv2D` with one filter gets these weights through `set_weights`. With `padding='same'` the map "
              "is 28×28 too, and ReLU turns negatives into 0, so only the places with the pattern light up. "
              "The result: `feature_map`.",
    },
    "notebook.why_strongest": {
        "ko": "가장 강하게 반응한 곳(행, 열, 값)과 그림.",
        "en": "Where it responds most strongly (row, column, value), and the pictures.",
    },
    # ---- §3 ----------------------------------------------------------------------------------------
    "notebook.filters_picture": {
        "ko": "페이지의 컬러 그림 {shape}: 빨강(R), 초록(G), 파랑(B) 세 채널.",
        "en": "The page's colour picture {shape}: three channels, red (R), green (G) and blue (B).",
    },
    "notebook.filters_set": {
        "ko": "필터 세트 {shape}: 채널마다 2차원 필터가 하나씩 있고, `b`는 편향입니다.",
        "en": "The filter set {shape}: one 2-D filter per channel; `b` is the bias.",
    },
    "notebook.filters_sum": {
        "ko": "채널마다 합성곱을 해서(부분 특징맵 3장) 모두 더하고 편향을 더하면 특징맵 **한 장**이 됩니다: `feature_map`.",
        "en": "Convolve each channel (three partial maps), add them up and add the bias: **one** feature map, "
              "`feature_map`.",
    },
    "notebook.filters_keras": {
        "ko": "Keras의 `Conv2D(1, kernel_size=…)`도 같은 계산을 합니다 (`True`가 출력되면 같습니다).",
        "en": "Keras' `Conv2D(1, kernel_size=…)` computes the same (`True` means they agree).",
    },
    "notebook.filters_stack": {
        "ko": "강의의 두 층 `Conv2D(3, kernel_size=5)` → `Conv2D(6, kernel_size=5)`을 숫자 이미지에 적용합니다. "
              "아직 학습하지 않은 무작위 가중치입니다 (시드 {seed}).",
        "en": "The lecture's two layers `Conv2D(3, kernel_size=5)` → `Conv2D(6, kernel_size=5)` on a digit, with "
              "random weights, not trained yet (seed {seed}).",
    },
    "notebook.filters_glorot": {
        "ko": "가중치는 Keras의 기본 초기값(Glorot uniform)과 같은 방식으로 numpy가 만듭니다. Keras는 (kh, kw, 입력 채널, 필터 수)로 "
              "저장하므로 두 번째 층의 필터 세트는 (5, 5, 3)이고, 슬라이드의 '?'는 들어오는 채널 수 3입니다. "
              "결과: `maps` = (첫 층 특징맵 (24, 24, 3), 둘째 층 특징맵 (20, 20, 6)).",
        "en": "numpy draws the weights the way Keras' default initialiser does (Glorot uniform). Keras stores them "
              "as (kh, kw, channels in, filters), so the second layer's filter sets are (5, 5, 3): the slide's '?' is "
              "the 3 channels coming in. The result: `maps` = (the first layer's maps (24, 24, 3), the second's (20, 20, 6)).",
    },
    # ---- §4 ----------------------------------------------------------------------------------------
    "notebook.arith_input": {"ko": "페이지의 입력 `x` {shape}.", "en": "The page's input `x` {shape}."},
    "notebook.arith_filter": {"ko": "페이지의 필터 `w` {shape}.", "en": "The page's filter `w` {shape}."},
    "notebook.arith_loop": {
        "ko": "슬라이드의 계산을 그대로 반복문으로: 창을 `stride`={stride}칸씩 옮기며 곱하고 더합니다 "
              "(padding='{pad}'). 결과: `y`.",
        "en": "The slide's arithmetic as a loop: move the window `stride`={stride} cells at a time, multiply and sum "
              "(padding='{pad}'). The result: `y`.",
    },
    "notebook.arith_padding": {
        "ko": "'same': 출력이 ⌈입력 / stride⌉ 크기가 되도록 가장자리에 0을 덧댑니다 (홀수 개면 아래/오른쪽에 하나 더)",
        "en": "'same': zeros around the edge so the output is ⌈input / stride⌉ wide (an odd one goes bottom/right)",
    },
    "notebook.arith_activation": {"ko": "활성화 함수 {act}", "en": "The activation, {act}"},
    "notebook.arith_keras": {
        "ko": "같은 계산을 Keras의 `Conv2D`로: 필터를 `set_weights`로 넣습니다.",
        "en": "The same with Keras' `Conv2D`: the filter goes in through `set_weights`.",
    },
    "notebook.arith_same": {"ko": "반복문의 y와 같으면 True", "en": "True when it equals the loop's y"},
    # ---- §5 ----------------------------------------------------------------------------------------
    "notebook.pool_map": {"ko": "페이지의 특징맵 {shape}.", "en": "The page's feature map {shape}."},
    "notebook.pool_loop": {
        "ko": "{size}×{size} 창을 {stride}칸씩 옮기며 창마다 가장 큰 값을 남깁니다. 결과: `pooled`.",
        "en": "Move a {size}×{size} window {stride} cells at a time and keep each window's largest value. "
              "The result: `pooled`.",
    },
    "notebook.pool_keras": {"ko": "같은 계산을 Keras의 `MaxPool2D`로.", "en": "The same with Keras' `MaxPool2D`."},
    "notebook.pool_same": {"ko": "반복문의 pooled와 같으면 True", "en": "True when it equals the loop's pooled"},
    "notebook.pool_digit": {
        "ko": "진짜 숫자 **{digit}**에서: 패턴 필터(`{pattern}`)의 특징맵 (28, 28)을 2×2로 max-pooling하면 (14, 14)가 되어도 "
              "획이 있는 곳은 그대로 보입니다. 결과: `pooled_digit`.",
        "en": "On a real digit **{digit}**: the pattern filter's (`{pattern}`) feature map (28, 28), max-pooled 2×2 to "
              "(14, 14), still shows where the stroke is. The result: `pooled_digit`.",
    },
    # ---- stacks and training ------------------------------------------------------------------------
    "notebook.stack_model": {
        "ko": "강의처럼 함수형 API로 모델을 만듭니다: `X = Input`, `H = 층(H)`, …, `Model(X, Y)`.",
        "en": "The model in the lecture's functional style: `X = Input`, `H = layer(H)`, …, `Model(X, Y)`.",
    },
    "notebook.stack_total": {
        "ko": "파라미터는 모두 **{total}**개로, 페이지의 합계와 같습니다.",
        "en": "**{total}** parameters in all, the page's total.",
    },
    "notebook.train_settings": {
        "ko": "페이지의 학습 설정 (에포크, 배치 크기, 학습률, 시드).",
        "en": "The page's training settings (epochs, batch size, learning rate, seed).",
    },
    "notebook.train_epochs": {
        "ko": "환경 변수 {variable}: 있으면 에포크 수와 학습 이미지 수를 그만큼으로 줄입니다 (빠른 확인용)",
        "en": "The environment variables {variable}, when set, lower the epochs and training images (a quick check)",
    },
    "notebook.train_scaling_scaled": {
        "ko": "이미지는 255로 나눠 0–1로, 레이블은 `pd.get_dummies`로 원-핫 인코딩합니다.",
        "en": "Images are divided by 255 (0–1); labels are one-hot encoded with `pd.get_dummies`.",
    },
    "notebook.train_scaling_raw": {
        "ko": "슬라이드처럼 이미지는 0–255 그대로 쓰고, 레이블은 `pd.get_dummies`로 원-핫 인코딩합니다.",
        "en": "As on the slides, images stay 0–255; labels are one-hot encoded with `pd.get_dummies`.",
    },
    "notebook.train_fit": {
        "ko": "학습합니다. 에포크마다 시험 데이터의 정확도(val_accuracy)도 봅니다. 결과: `history`.",
        "en": "Train. Each epoch also reports the test data's accuracy (val_accuracy). The result: `history`.",
    },
    "notebook.train_curves": {"ko": "학습 곡선.", "en": "The learning curves."},
    "notebook.train_test": {"ko": "시험 데이터의 정확도.", "en": "The accuracy on the test data."},
    # ---- §7 ----------------------------------------------------------------------------------------
    "notebook.own_data": {
        "ko": "**데이터.** 노트북 옆의 {archive}(클래스마다 폴더 하나인 zip 또는 tar.gz)를 풉니다. notMNIST는 없으면 "
              "강의의 주소 {url}에서 내려받습니다.",
        "en": "**Data.** The notebook unpacks {archive} next to it (a zip or tar.gz with one folder per class). "
              "notMNIST, when absent, is downloaded from the lecture's address {url}.",
    },
    "notebook.own_letters": {
        "ko": "페이지의 글자 그림은 대시보드가 글꼴로 그린 것이라, 노트북은 같은 A–J 글자를 담은 notMNIST를 씁니다. "
              "내 그림을 쓰려면 `ARCHIVE`에 zip 파일 이름을 적으세요.",
        "en": "The page's letters are drawn by the dashboard from fonts, so the notebook uses notMNIST, the same "
              "letters A–J. To use your own pictures, put your zip's name in `ARCHIVE`.",
    },
    "notebook.own_download": {"ko": "notMNIST를 내려받는 중…", "en": "Downloading notMNIST…"},
    "notebook.own_missing": {"ko": "노트북 옆에 파일이 없습니다: ", "en": "No such file next to the notebook: "},
    "notebook.own_read": {
        "ko": "그림마다 `plt.imread`로 읽어 흑백 28×28로 맞추고, 레이블은 폴더 이름입니다. 읽을 수 없는 파일은 건너뛰고 알려 줍니다.",
        "en": "Each picture is read with `plt.imread` and made grey 28×28; its label is its folder's name. "
              "Files that cannot be read are skipped, and listed.",
    },
    "notebook.own_skipped": {"ko": "건너뛴 파일:", "en": "Skipped files:"},
    "notebook.own_split": {
        "ko": "섞은 뒤 20%를 시험 데이터로 떼어 둡니다. 레이블은 `pd.get_dummies`로 원-핫 인코딩합니다.",
        "en": "Shuffle, then keep 20% aside as test data. Labels are one-hot encoded with `pd.get_dummies`.",
    },
}

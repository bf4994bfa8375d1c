"""Messages about numbers typed into grids."""

STRINGS = {
    "grids.paste_label": {
        "ko": "숫자 붙여넣기 ({rows}줄 × {cols}칸, 공백이나 쉼표로 구분)",
        "en": "Paste numbers ({rows} rows × {cols} cells, separated by spaces or commas)",
    },
    "grids.apply": {"ko": "적용", "en": "Apply"},
    "grids.applied": {"ko": "적용했습니다.", "en": "Applied."},
    "grids.refused": {
        "ko": "이 입력은 쓸 수 없어 이전 격자를 그대로 두었습니다:",
        "en": "This input cannot be used, so the previous grid is kept:",
    },
    "grids.clamped_note": {
        "ko": "허용 범위를 벗어난 값을 범위 안으로 맞췄습니다:",
        "en": "Values outside the allowed range were clamped into it:",
    },
    "grids.empty": {"ko": "빈 칸이 있습니다: {cell}", "en": "Cell {cell} is empty."},
    "grids.text": {"ko": "칸 {cell}: '{raw}' — 숫자가 아닙니다.", "en": "Cell {cell}: '{raw}' is not a number."},
    "grids.nan": {"ko": "칸 {cell}의 값이 NaN(숫자 아님)입니다.", "en": "Cell {cell} is NaN (not a number)."},
    "grids.clamped": {
        "ko": "칸 {cell}: {raw} — [{lo}, {hi}] 범위로 맞췄습니다.",
        "en": "Cell {cell}: {raw} was clamped to [{lo}, {hi}].",
    },
    "grids.more": {"ko": "… 그 밖에 {n}칸", "en": "… and {n} more cells"},
    "grids.bad_shape": {
        "ko": "줄 수나 칸 수가 맞지 않습니다. 이전 격자를 그대로 두었습니다.",
        "en": "The number of rows or cells does not match. The previous grid is kept.",
    },
    "grids.type_numbers": {"ko": "숫자로 입력하기", "en": "Type the numbers"},
    "grids.box_clamped": {
        "ko": "{name}의 입력 {raw}: 쓸 수 있는 범위 [{lo}, {hi}] 밖이라 가장 가까운 값으로 맞췄습니다 → {value}. 특징맵도 이 값을 씁니다.",
        "en": "{name}: {raw} is outside the allowed range [{lo}, {hi}], so it was set to {value}. The map uses {value}.",
    },
    "grids.box_empty": {
        "ko": "{name} 칸이 비어 있어 이전 값을 그대로 두었습니다.",
        "en": "{name} was left empty, so its previous value is kept.",
    },
}

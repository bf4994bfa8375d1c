"""Words for services.class_store's codes (ClassError): a class that cannot be joined or changed."""

STRINGS = {
    "class_errors.unknown": {
        "ko": "수업 코드 {code}: 이 코드의 수업이 없습니다. 코드를 다시 확인하세요. 지금은 이 페이지를 혼자 쓸 수 있습니다.",
        "en": "There is no class with the code {code}. Check the code; meanwhile this page works on its own.",
    },
    "class_errors.expired": {
        "ko": "수업 코드 {code}: {hours:g}시간 동안 아무도 쓰지 않아 이 수업은 끝났습니다. 이 페이지는 혼자 쓸 수 있습니다.",
        "en": "The class {code} has expired: nobody used it for {hours:g} hours. This page works on its own.",
    },
    "class_errors.ended": {
        "ko": "수업 코드 {code}: 선생님이 이 수업을 끝냈습니다. 이 페이지는 혼자 쓸 수 있습니다.",
        "en": "The teacher has ended the class {code}. This page works on its own.",
    },
    "class_errors.not_teacher": {
        "ko": "선생님 열쇠가 맞지 않습니다: 수업을 바꾸는 것은 선생님만 할 수 있습니다. 학생으로 따라갑니다.",
        "en": "The teacher key does not match: only the teacher can change the class. You follow as a student.",
    },
    "class_errors.not_open": {
        "ko": "이 질문은 지금 답을 받지 않습니다(아직 열리지 않았거나 이미 정답이 공개되었습니다).",
        "en": "This question is not taking answers now (not opened yet, or the answer is already revealed).",
    },
    "class_errors.slow_down": {
        "ko": "틀린 수업 코드가 너무 많이 들어왔습니다. {seconds}초 뒤에 다시 해 보세요. 지금은 이 페이지를 혼자 쓸 수 있습니다.",
        "en": "Too many wrong class codes were tried. Try again in {seconds} s; meanwhile this page works on its own.",
    },
    "class_errors.unreachable": {
        "ko": "수업 데이터베이스에 지금 연결할 수 없습니다. 다시 연결되면 선생님 화면을 저절로 다시 따라갑니다. "
              "이 페이지는 그대로 쓸 수 있습니다.",
        "en": "The class database cannot be reached right now; following the teacher resumes by itself once it is "
              "back. This page works as usual.",
    },
}

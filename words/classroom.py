"""Class mode (issue 11): the teacher's panel, following, and the slides' questions."""

STRINGS = {
    "classroom.teacher_title": {"ko": "수업 진행 중", "en": "Class in progress"},
    "classroom.code_help": {
        "ko": "학생은 QR 코드를 찍거나 아래 주소를 열거나, 강의 지도에서 이 코드를 입력합니다.",
        "en": "Students scan the QR code, open the address below, or type this code on the lecture map.",
    },
    "classroom.failed": {
        "ko": "수업 기능에 문제가 생겼습니다(서버 기록에 남겼습니다). 이 페이지는 그대로 쓸 수 있습니다.",
        "en": "Class mode ran into a problem (written to the server's log). This page works as usual.",
    },
    "classroom.away_teacher": {
        "ko": "수업 데이터베이스에 지금 연결할 수 없습니다. 그동안 학생 화면은 이 화면을 따라오지 않고, 다시 연결되면 "
              "저절로 이 화면의 최신 상태를 따라옵니다. 이 페이지는 그대로 쓸 수 있습니다.",
        "en": "The class database cannot be reached right now: until it is back, students' screens do not follow "
              "this one; then they catch up with it by themselves. This page works as usual.",
    },
    "classroom.joined": {"ko": "참여 중인 학생", "en": "Students joined"},
    "classroom.stop_run": {"ko": "수업의 학습 멈추기", "en": "Stop the class's training run"},
    "classroom.stopped": {"ko": "학습 {n}개를 멈췄습니다.", "en": "Stopped {n} training run(s)."},
    "classroom.no_run": {"ko": "이 수업이 기다리는 학습이 없습니다.", "en": "No training run of this class is queued or training."},
    "classroom.end": {"ko": "수업 끝내기", "en": "End the class"},
    "classroom.follower_title": {"ko": "수업 {code}", "en": "Class {code}"},
    "classroom.following": {
        "ko": "선생님 화면을 따라가는 중입니다. 선생님이 페이지나 설정을 바꾸면 이 화면도 바뀝니다.",
        "en": "Following the teacher: when the teacher changes the page or a setting, so does this screen.",
    },
    "classroom.exploring": {
        "ko": "혼자 해 보는 중입니다. 선생님 화면은 바뀌지 않습니다.",
        "en": "Exploring on your own; the teacher's screen is not changed.",
    },
    "classroom.explore": {"ko": "혼자 해 보기", "en": "Explore on my own"},
    "classroom.diverged": {
        "ko": "화면을 직접 바꿔서 지금은 혼자 해 보는 중입니다. 선생님이 바꾸는 것은 이 화면에 오지 않습니다.",
        "en": "You changed this screen yourself, so you are exploring on your own: the teacher's changes no longer reach it.",
    },
    "classroom.back": {"ko": "선생님 화면으로", "en": "Back to the teacher"},
    "classroom.start": {"ko": "수업 시작", "en": "Start a class"},
    "classroom.start_help": {
        "ko": "선생님용: 수업 코드를 만들고, 학생들의 화면이 내 화면을 따라오게 합니다.",
        "en": "For the teacher: make a class code, and students' screens follow yours.",
    },
    "classroom.join_code": {"ko": "수업 코드", "en": "Class code"},
    "classroom.join": {"ko": "참여", "en": "Join"},
    "classroom.join_help": {
        "ko": "학생용: 선생님이 보여 주는 코드를 입력하세요.",
        "en": "For students: type the code the teacher shows.",
    },
    "classroom.box_title": {"ko": "함께 수업하기", "en": "Teach together"},
    "classroom.question": {"ko": "질문:", "en": "Question:"},
    "classroom.your_guess": {"ko": "내 예상", "en": "Your guess"},
    "classroom.your_answer": {"ko": "내 답", "en": "Your answer"},
    "classroom.send": {"ko": "보내기", "en": "Send"},
    "classroom.sent": {"ko": "보낸 답: {value} (다시 보내면 바뀝니다)", "en": "Your answer: {value} (send again to change it)"},
    "classroom.reveal": {"ko": "정답 보기", "en": "Reveal"},
    "classroom.ask": {"ko": "학생들에게 묻기", "en": "Ask the class"},
    "classroom.not_asked": {
        "ko": "학생들에게 물으면 답이 여기에 막대그래프로 모입니다(이름 없이).",
        "en": "Ask the class, and the answers gather here as bars (anonymously).",
    },
    "classroom.ask_again": {"ko": "다시 묻기", "en": "Ask again"},
    "classroom.answers_of": {"ko": "들어온 답: 학생 {m}명 중 {n}명", "en": "Answers: {n} of {m} students"},
    "classroom.wait_question": {
        "ko": "선생님이 이 질문을 열면 여기에 답할 수 있습니다.",
        "en": "When the teacher asks this question, you answer it here.",
    },
    "classroom.not_known": {
        "ko": "정답은 아직 알 수 없습니다(예: 학습이 끝나야 계산됩니다).",
        "en": "The answer is not known yet (it is computed once, for example, training has finished).",
    },
    "classroom.computed": {"ko": "계산한 정답: {value}.", "en": "Computed answer: {value}."},
    "classroom.you_said": {"ko": "내 답: {value}.", "en": "You said {value}."},
    "classroom.answer_word": {"ko": "정답", "en": "answer"},
    "classroom.count": {"ko": "학생 수", "en": "students"},
}

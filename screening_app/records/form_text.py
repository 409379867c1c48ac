"""The fixed wording of the printed forms in English, Korean and Chinese.

The protocol supplies the questions, options and reasons; this module supplies the form's
own labels and the declaration the person signs. Every form is in English plus the
person's language, so every label exists in all three.

This is the one catalogue of the printed form (the interface's is Qt's, in
resources/translations; README "Translations" says why two): a label's three languages
are one value here because the form prints two of them at once, whatever language the
interface is in.
"""

from dataclasses import dataclass

from screening_app.domain.subject import language_for_nationality

FORM_LANGUAGES = ("ko", "zh")
ENGLISH = "en"

LABELS: dict[str, dict[str, str]] = {
    "choice_form": {"en": "Choice form", "ko": "선택 기록서", "zh": "选择记录表"},
    "non_completion": {
        "en": "Record of an interview not completed",
        "ko": "완료되지 않은 면담 기록",
        "zh": "未完成面谈记录",
    },
    "demo": {
        "en": "DEMO: not a real record",
        "ko": "시연용: 실제 기록이 아님",
        "zh": "演示：并非真实记录",
    },
    "transcribed": {
        "en": "Transcribed from a paper form: the signatures are on the paper original.",
        "ko": "종이 서류에서 옮겨 적은 기록: 서명은 종이 원본에 있음.",
        "zh": "根据纸质表格转录：签字在纸质原件上。",
    },
    # Sections
    "record": {"en": "Record", "ko": "기록", "zh": "记录"},
    "person": {"en": "Person interviewed", "ko": "면담 대상자", "zh": "受访者"},
    "interview": {"en": "Interview", "ko": "면담", "zh": "面谈"},
    "the_choice": {"en": "The choice", "ko": "선택", "zh": "选择"},
    "safety": {
        "en": "Safety questions and coercion flags",
        "ko": "안전 질문과 강압 관련 표시",
        "zh": "安全问题和胁迫标记",
    },
    "signatures": {"en": "Declaration and signatures", "ko": "선언과 서명", "zh": "声明和签字"},
    "signatures_only": {"en": "Signatures", "ko": "서명", "zh": "签字"},
    "why_stopped": {
        "en": "Why the interview was not completed",
        "ko": "면담이 완료되지 않은 이유",
        "zh": "面谈未完成的原因",
    },
    # Record fields
    "record_id": {"en": "Record id", "ko": "기록 번호", "zh": "记录编号"},
    "protocol": {"en": "Form (protocol) and version", "ko": "양식과 판", "zh": "表格及版本"},
    "protocol_hash": {
        "en": "SHA-256 of the text shown",
        "ko": "제시된 문안의 SHA-256",
        "zh": "所示文本的 SHA-256",
    },
    "record_hash": {"en": "Record hash (SHA-256)", "ko": "기록 해시(SHA-256)",
                    "zh": "记录哈希值（SHA-256）"},
    "station": {"en": "Station", "ko": "면담소", "zh": "面谈站"},
    "version": {"en": "version", "ko": "판", "zh": "版本"},
    # Person fields
    "isn": {"en": "Prisoner serial number (ISN)", "ko": "포로 번호(ISN)",
            "zh": "战俘编号（ISN）"},
    "name_native": {"en": "Name (own script)", "ko": "이름(본래 표기)", "zh": "姓名（原文）"},
    "name_latin": {"en": "Name (romanised)", "ko": "이름(로마자 표기)",
                   "zh": "姓名（拉丁字母拼写）"},
    "rank": {"en": "Rank", "ko": "계급", "zh": "军衔"},
    "unit": {"en": "Unit", "ko": "소속 부대", "zh": "所属部队"},
    "nationality": {"en": "Nationality", "ko": "국적", "zh": "国籍"},
    "camp": {"en": "Camp", "ko": "수용소", "zh": "战俘营"},
    "compound": {"en": "Compound", "ko": "수용동", "zh": "营区"},
    "birth_year": {"en": "Year of birth", "ko": "출생 연도", "zh": "出生年份"},
    "identity_note": {"en": "Identity note", "ko": "신원 관련 메모", "zh": "身份说明"},
    # Interview fields
    "date": {"en": "Date (UTC)", "ko": "날짜(UTC)", "zh": "日期（UTC）"},
    "times": {"en": "Start and end (UTC)", "ko": "시작과 종료(UTC)", "zh": "开始和结束（UTC）"},
    "interviewer": {"en": "Interviewer", "ko": "면담관", "zh": "面谈人员"},
    "interpreter_language": {"en": "Interpreter (language)", "ko": "통역인(언어)",
                             "zh": "翻译（语言）"},
    "observer_body": {"en": "Observer (body represented)", "ko": "참관인(대표 기관)",
                      "zh": "观察员（所代表的机构）"},
    "present": {"en": "Persons present", "ko": "참석자", "zh": "在场人员"},
    # The choice
    "choice": {"en": "Choice", "ko": "선택", "zh": "选择"},
    "firmness": {"en": "Firmness on read-back", "ko": "다시 읽어 준 뒤의 확인",
                 "zh": "复述后的确认"},
    "firm": {
        "en": "Consistent: the same choice was given when it was read back.",
        "ko": "일관됨: 다시 읽어 준 뒤에도 같은 선택을 함.",
        "zh": "前后一致：复述后作出了同样的选择。",
    },
    "changed": {
        "en": "Changed on read-back.",
        "ko": "다시 읽어 준 뒤 선택이 바뀜.",
        "zh": "复述后选择有改变。",
    },
    "first_answer": {"en": "First answer", "ko": "첫 답변", "zh": "第一次回答"},
    "read_back_answer": {"en": "Answer on read-back", "ko": "다시 물었을 때의 답변",
                         "zh": "复述后的回答"},
    "final_answer": {"en": "Final choice", "ko": "최종 선택", "zh": "最终选择"},
    # Answers
    "yes": {"en": "Yes", "ko": "예", "zh": "是"},
    "no": {"en": "No", "ko": "아니요", "zh": "否"},
    "not_answered": {"en": "Not answered", "ko": "답변 없음", "zh": "未回答"},
    "scale_of": {"en": "{value} of {max}", "ko": "{max}점 중 {value}점",
                 "zh": "{max}分中的{value}分"},
    "flags": {"en": "Flags for the supervisor", "ko": "감독관 확인 사항",
              "zh": "提请监督人员注意的标记"},
    "no_flags": {"en": "None raised", "ko": "없음", "zh": "无"},
    "raised_by": {"en": "raised by", "ko": "관련 질문", "zh": "相关问题"},
    # Signatures
    "signer_person": {"en": "Person interviewed", "ko": "면담 대상자", "zh": "受访者"},
    "signer_interpreter": {"en": "Interpreter", "ko": "통역인", "zh": "翻译"},
    "signer_observer": {"en": "Observer", "ko": "참관인", "zh": "观察员"},
    "signer_interviewer": {"en": "Interviewer", "ko": "면담관", "zh": "面谈人员"},
    "mode_signature": {"en": "Signed (drawn on the station)", "ko": "서명함(화면에 직접 씀)",
                       "zh": "已签字（在面谈站上手写）"},
    "mode_thumbprint": {"en": "Thumbprint, pressed on the paper copy",
                        "ko": "손도장, 종이 사본에 찍음", "zh": "手印，按在纸质副本上"},
    "mode_on_paper": {"en": "Signed on paper", "ko": "종이에 서명함", "zh": "在纸上签字"},
    "not_signed": {"en": "Not signed", "ko": "서명하지 않음", "zh": "未签字"},
    "thumb_here": {"en": "Thumbprint here", "ko": "여기에 손도장", "zh": "在此按手印"},
    "paper_original": {"en": "Signature on the paper original", "ko": "종이 원본에 서명",
                       "zh": "签字在纸质原件上"},
    # The reserved band
    "qr_caption": {"en": "Record id and hash", "ko": "기록 번호와 해시", "zh": "记录编号和哈希值"},
    "supervisor_review": {"en": "Supervisor review", "ko": "감독관 검토", "zh": "监督人员审核"},
    # Printed before any review and signed with the form, so it must stay true after the
    # supervisor's countersignature fills the box below it.
    "not_reviewed": {
        "en": "Countersigned on approval",
        "ko": "승인 시 확인 서명",
        "zh": "批准时复签",
    },
    "station_signature": {"en": "Station digital signature", "ko": "면담소 전자 서명",
                          "zh": "面谈站数字签名"},
    # Non-completion
    "outcome": {"en": "Outcome", "ko": "결과", "zh": "结果"},
    "not_completed": {"en": "Not completed", "ko": "완료되지 않음", "zh": "未完成"},
    "stopped_at": {"en": "Stopped at step", "ko": "중단된 단계", "zh": "中止的步骤"},
    "reason": {"en": "Reason", "ko": "사유", "zh": "原因"},
    "note": {"en": "Note", "ko": "메모", "zh": "备注"},
}


def label(key: str, language: str) -> str:
    return LABELS[key][language]


@dataclass(frozen=True)
class FormLanguages:
    """English plus, when known, the person's language (Korean or Chinese)."""

    second: str | None

    @property
    def all(self) -> tuple[str, ...]:
        return (ENGLISH, self.second) if self.second else (ENGLISH,)


def person_language(record_language: str | None, nationality: str | None) -> str | None:
    """The person's language for the form: the interview's, when it was Korean or Chinese,
    otherwise the one their nationality implies; None when neither says."""
    if record_language in FORM_LANGUAGES:
        return record_language
    by_nationality = language_for_nationality(nationality)
    return by_nationality if by_nationality in FORM_LANGUAGES else None

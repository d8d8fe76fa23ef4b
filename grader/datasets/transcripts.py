"""The Module 1 service standards and annotated example call transcripts.

The standards (``datasets/service_standards.yaml``) are the telephone-etiquette rules of the
course's source on agent management (source 002: the service-etiquette regulation, the two
"service standards" documents and the seat regulation), each with a stable id, a one-line English
description, its Chinese name and where it comes from. The transcripts (``datasets/transcripts.json``)
are short invented calls, one line per turn, each line annotated with the standards it follows
or breaks, so that lessons, exercises and role-play scorecards all speak the same ids. The content
is written by hand below (the seed is accepted for the common generator interface and not used);
:func:`validate` refuses a transcript that cites an unknown standard or has gaps in its numbering.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

SOURCE_002 = "seeds/002 (agent management compilation)"

GROUPS: list[dict[str, str]] = [
    {"id": "opening", "title": "Answering and greeting", "zh": "接听与问候"},
    {"id": "voice", "title": "Voice and wording", "zh": "声音与用语"},
    {"id": "hold_transfer", "title": "Holds and transfers", "zh": "等待与转接"},
    {"id": "details", "title": "Customer details and notes", "zh": "客户信息与记录"},
    {"id": "behaviour", "title": "Behaviour towards the caller", "zh": "服务行为"},
    {"id": "closing", "title": "Closing the call", "zh": "结束通话"},
    {"id": "conduct", "title": "Conduct and confidentiality", "zh": "纪律与保密"},
]


def _std(id_: str, group: str, type_: str, title: str, zh: str, description: str, source: str,
         **extra: Any) -> dict[str, Any]:
    row = {"id": id_, "group": group, "type": type_, "title": title, "zh": zh,
           "description": description, "source": source, "critical": False}
    row.update(extra)
    return row


# type "do": following it is the expected behaviour; type "dont": the id names the behaviour to
# avoid, and a line "breaks" it when the agent does that thing.
STANDARDS: list[dict[str, Any]] = [
    # -- answering and greeting
    _std("answer_within_3_rings", "opening", "do", "Answer within 3 rings", "铃响三声内接听",
         "Pick up an inbound call promptly and cheerfully, before the fourth ring.",
         "002 service-etiquette regulation, art. 12(1) and 13(1)",
         measure={"column": "rings", "rule": "rings <= 3", "limit": 3, "unit": "rings"}),
    _std("greeting_complete", "opening", "do", "Complete greeting", "标准问候语",
         "Open with all four parts: a time-of-day greeting, the company name, your own name and "
         "an offer of help.", "002 service-etiquette regulation, art. 13(1)"),
    _std("polite_to_wrong_numbers", "opening", "do", "Polite to wrong numbers", "礼貌对待打错的电话",
         "Treat a caller who dialled the wrong number as politely as a customer.",
         "002 service-etiquette regulation, art. 12(1)"),
    _std("plan_outbound", "opening", "do", "Plan outbound calls", "呼出前打好腹稿",
         "Before dialling out, plan what you will say so that it is accurate and brief.",
         "002 service-etiquette regulation, art. 12(2)"),
    # -- voice and wording
    _std("positive_voice", "voice", "do", "Positive, energetic voice", "积极而有活力的声音",
         "Keep a positive attitude so that your voice sounds lively and lifts the caller.",
         "002 service standards, ch. 1 art. 1"),
    _std("affirmative_answers", "voice", "do", "Clear, affirmative answers", "肯定而明确的回答",
         "Answer in clear, affirmative terms rather than negative or vague ones; avoid wording "
         "that can be read two ways.", "002 service standards, ch. 1 art. 2; behaviour standard (10)"),
    _std("moderate_pace", "voice", "do", "Moderate pace", "语速适中",
         "Speak at a steady pace: neither rushed nor dragging.", "002 service standards, ch. 1 art. 3"),
    _std("neither_humble_nor_arrogant", "voice", "do", "Neither humble nor arrogant", "不卑不亢",
         "Sound confident without being overbearing; do not grovel or over-apologise.",
         "002 service standards, ch. 1 art. 4; don't-list (11)"),
    _std("varied_tone", "voice", "do", "Varied tone", "语调抑扬顿挫",
         "Keep the pitch neither too high nor too low, stress the key words and avoid a flat "
         "monotone.", "002 service standards, ch. 1 art. 5"),
    _std("moderate_volume", "voice", "do", "Moderate volume", "音量适中",
         "Not so loud that the caller gets defensive, not so soft that you sound unsure.",
         "002 service-etiquette regulation, art. 7"),
    _std("mic_position", "voice", "do", "Microphone below the mouth", "话筒放在嘴的左下角",
         "Place the microphone at the lower-left corner of your mouth, not straight in front of it.",
         "002 service-etiquette regulation, art. 7(3)"),
    _std("concise", "voice", "do", "Concise", "语言简洁",
         "Keep sentences short so the caller's problem is solved quickly.",
         "002 service standards, ch. 1 art. 6"),
    _std("deliberate_pauses", "voice", "do", "Deliberate pauses", "注意停顿",
         "Pause on purpose so the caller can think and take part in the conversation.",
         "002 service standards, ch. 1 art. 7"),
    _std("avoid_long_silence", "voice", "dont", "Don't leave long silences", "避免长时间沉默",
         "Do not let a silence drag on; tell the caller what you are doing.",
         "002 behaviour standard, do-list (11)"),
    _std("slang_or_jargon", "voice", "dont", "Don't use slang or jargon", "不用俚语和行话",
         "Use the caller's words, not your own habits, slang or internal jargon.",
         "002 don't-list (4)"),
    _std("cliches", "voice", "dont", "Don't use stock phrases", "不用陈词滥调",
         "Avoid empty stock phrases; say something that fits this caller.", "002 don't-list (5)"),
    _std("impersonal_tone", "voice", "dont", "Don't sound bureaucratic", "不用公事公办的语气",
         "Avoid a cold, impersonal 'rules are rules' tone.", "002 don't-list (8)"),
    _std("shouting_or_rudeness", "voice", "dont", "Don't shout or be rude", "不大声嚷嚷、不粗鲁",
         "Never raise your voice at a caller or use rude words.", "002 don't-list (9), (10)"),
    _std("use_customer_language", "voice", "do", "Use the caller's language", "使用客户的语言",
         "Speak the language or dialect the caller is comfortable with where you can.",
         "002 behaviour standard, do-list (7)"),
    # -- holds and transfers
    _std("hold_permission", "hold_transfer", "do", "Ask before a hold or transfer", "征得客户同意再等待或转接",
         "Put a caller on hold or transfer them only after asking and getting their permission.",
         "002 don't-list (13); do-list (12)",
         measure={"column": "hold_permission_asked", "rule": "hold_count == 0 or hold_permission_asked"}),
    _std("hold_over_1_min", "hold_transfer", "dont", "Never hold over 1 minute", "等待不超过1分钟",
         "Never leave a caller waiting on hold for more than one minute (60 seconds).",
         "002 don't-list (14)",
         measure={"column": "longest_hold_s", "rule": "longest_hold_s <= 60", "limit": 60,
                  "unit": "seconds"}),
    _std("thank_for_waiting", "hold_transfer", "do", "Thank the caller for waiting", "感谢客户等待",
         "When you come back from a hold, thank the caller for waiting.", "002 do-list (13)"),
    _std("transfer_name", "hold_transfer", "do", "Say who takes the transfer", "告知转接对象的姓名",
         "When you transfer a call, tell the caller the name of the person who will help them.",
         "002 service-etiquette regulation, art. 13(8)"),
    _std("transfer_wait_for_answer", "hold_transfer", "do", "Stay until the transfer is answered",
         "确认转接有人接听后再挂断",
         "Do not hang up on a transfer until someone at the other end has picked up.",
         "002 service-etiquette regulation, art. 13(9)"),
    # -- customer details and notes
    _std("read_back_details", "details", "do", "Read back the details", "重复确认客户信息",
         "Ask for the caller's name, phone number and address, then read them back to confirm.",
         "002 service-etiquette regulation, art. 13(10)"),
    _std("spell_name_right", "details", "do", "Spell the name right", "正确拼写客户姓名",
         "Spell the caller's name correctly and check the phone number you write down.",
         "002 service-etiquette regulation, art. 13(11)"),
    _std("take_notes", "details", "do", "Take notes, not memory", "做必要的记录",
         "Write down what the caller tells you instead of relying on memory.",
         "002 don't-list (12); do-list (5)"),
    # -- behaviour towards the caller
    _std("patient_answers", "behaviour", "do", "Answer patiently, never lecture", "有问必答,不教训不责备",
         "Answer every question patiently; never lecture or blame a caller for not knowing.",
         "002 service standards, ch. 2 art. 8"),
    _std("pretend_to_know", "behaviour", "dont", "Don't pretend to know", "不懂装懂",
         "If you do not know, say so politely and find out or bring in the right person; never bluff.",
         "002 service standards, ch. 2 art. 9; don't-list (6)"),
    _std("pass_the_buck", "behaviour", "dont", "Don't pass the buck", "推诿",
         "Do not push the caller off to someone else; explain and make sure the right person answers.",
         "002 service standards, ch. 2 art. 9; wording rule 4"),
    _std("special_needs_help", "behaviour", "do", "Help callers with special needs", "帮助有特殊需要的客户",
         "Give extra help to callers with special needs, such as disabled or elderly callers, and "
         "bring in back-office colleagues when needed.", "002 service standards, ch. 2 art. 10"),
    _std("mock_customer", "behaviour", "dont", "Don't joke about or mock a caller", "不开玩笑、不讥笑客户",
         "Respect every caller: no jokes at their expense, never mock a weakness.",
         "002 service standards, ch. 2 art. 11"),
    _std("argue_with_customer", "behaviour", "dont", "Don't argue", "不与客户争辩顶撞",
         "Stay restrained with a rude caller; never argue or answer back.",
         "002 service standards, ch. 2 art. 12"),
    _std("escalate_when_needed", "behaviour", "do", "Escalate when needed", "必要时请主管协助",
         "When a caller's behaviour or request goes beyond you, ask a supervisor or manager to help.",
         "002 service standards, ch. 2 art. 12"),
    _std("interrupt_customer", "behaviour", "dont", "Don't interrupt", "不打断客户",
         "Let the caller finish describing the problem before you explain or challenge anything.",
         "002 don't-list (7); wording rule 4"),
    _std("rhetorical_questions", "behaviour", "dont", "No rhetorical or interrogating questions",
         "不用反问、质问的口气",
         "Never answer with a rhetorical or accusing question ('Didn't you read...?').",
         "002 wording rule 3"),
    _std("correct_and_apologise", "behaviour", "do", "Correct your mistakes and apologise", "差错立即纠正并致歉",
         "If you got something wrong, put it right at once and apologise to the caller.",
         "002 service standards, ch. 2 art. 13"),
    _std("accept_praise_modestly", "behaviour", "do", "Accept praise modestly", "谦虚接受表扬",
         "When a caller praises you, thank them modestly.", "002 service standards, ch. 2 art. 14"),
    _std("over_sensitive", "behaviour", "dont", "Don't take things personally", "过于敏感",
         "Do not react to a caller's remarks as if they were personal attacks.", "002 don't-list (2)"),
    _std("eating_or_smoking", "behaviour", "dont", "Don't eat or smoke on a call", "通话时抽烟或吃东西",
         "Never eat, drink noisily or smoke while on a call.", "002 don't-list (3)"),
    # -- closing the call
    _std("closing_anything_else", "closing", "do", "Ask 'anything else?'", "询问是否还有其他问题",
         "Before closing, ask whether there is anything else you can help with.",
         "002 service-etiquette regulation, art. 14(1)"),
    _std("closing_thanks", "closing", "do", "Thank the caller", "感谢客户来电",
         "Thank the caller for calling (or for their time on an outbound call).",
         "002 service-etiquette regulation, art. 14(1); do-list (15)"),
    _std("closing_invite_again", "closing", "do", "Invite them to call again", "欢迎客户再次来电",
         "Tell the caller they are welcome to call again whenever they need.",
         "002 service-etiquette regulation, art. 14(1); do-list (14)"),
    _std("closing_agent_id", "closing", "do", "Give your agent ID", "告知服务工号",
         "Give the caller your agent ID so they can refer to this call.", "002 do-list (14)"),
    _std("closing_positive", "closing", "do", "End on a positive note", "以积极的语言结束",
         "Finish with a warm, positive phrase.", "002 do-list (16)"),
    _std("customer_hangs_up_first", "closing", "do", "Let the caller hang up first", "让客户先挂电话",
         "Wait for the caller to hang up first, then put your handset down gently.",
         "002 service-etiquette regulation, art. 14(2); do-list (17)",
         measure={"column": "customer_hung_up_first", "rule": "customer_hung_up_first"}),
    _std("know_when_to_end", "closing", "do", "Know when to end", "清楚何时结束",
         "Keep the call purposeful and bring it to a close once the need is met (one centre's "
         "system flags calls at 3 minutes).", "002 behaviour standard, do-list (9)"),
    # -- conduct and confidentiality
    _std("leak_customer_info", "conduct", "dont", "Never leak customer information", "泄露客户信息",
         "Never disclose a customer's information to anyone but the verified customer. A "
         "deliberate leak means immediate dismissal; a careless one is a serious breach.",
         "002 seat regulation, duties (4) and penalties (1) and (2)",
         critical=True, consequence="deliberate (恶意) leak: immediate dismissal (立即开除); careless "
         "disclosure: warning or fine, dismissal in serious cases (警告、罚款，严重者开除)"),
]

COMPANY = "Bluewater Broadband"


def _line(speaker: str, text: str, follows: tuple[str, ...] = (), breaks: tuple[str, ...] = (),
          note: str = "") -> dict[str, Any]:
    return {"speaker": speaker, "text": text, "follows": list(follows), "breaks": list(breaks),
            "note": note}


A, C, N = "Agent", "Customer", "Note"

TRANSCRIPTS: list[dict[str, Any]] = [
    {
        "id": "T1",
        "title": "A billing question, handled by the book",
        "purpose": "model",
        "direction": "inbound",
        "agent_id": "A1041", "agent_name": "Grace Lin", "time_of_day": "morning",
        "summary": "A customer asks why the bill went up; the agent confirms details, holds with "
                   "permission for 40 seconds and closes the call fully.",
        "lines": [
            _line(N, "The phone rings twice before the agent picks up.", ("answer_within_3_rings",)),
            _line(A, "Good morning, Bluewater Broadband, this is Grace. How may I help you today?",
                  ("greeting_complete", "positive_voice")),
            _line(C, "Hi. My bill this month is higher than usual and I don't see why."),
            _line(A, "I can look into that for you. May I have your full name and the phone number "
                     "on the account?", ("affirmative_answers",)),
            _line(C, "Daniel Morgan, and the number is 555-0143."),
            _line(A, "Thank you. That's Daniel Morgan, M-O-R-G-A-N, on 555-0143. Is that right?",
                  ("read_back_details", "spell_name_right")),
            _line(C, "Yes, that's right."),
            _line(A, "To check the charges I need to open your billing history. May I put you on "
                     "hold for a moment? It will be less than a minute.", ("hold_permission",)),
            _line(C, "Sure, go ahead."),
            _line(N, "The customer is on hold for 40 seconds.", ("hold_over_1_min",)),
            _line(A, "Thank you for waiting, Mr Morgan. There is a one-off charge of $12 for the "
                     "replacement router we sent in March. That is the difference.",
                  ("thank_for_waiting", "affirmative_answers")),
            _line(C, "Oh, of course, I forgot about the router. Thanks."),
            _line(A, "You're welcome. Is there anything else I can help you with today?",
                  ("closing_anything_else",)),
            _line(C, "No, that's everything."),
            _line(A, "Thank you for calling Bluewater Broadband, Mr Morgan. My agent ID is 1041. "
                     "If anything else comes up, please call us again. Have a lovely day!",
                  ("closing_thanks", "closing_agent_id", "closing_invite_again", "closing_positive")),
            _line(N, "The customer says goodbye and hangs up; then the agent puts the handset down "
                     "gently.", ("customer_hangs_up_first",)),
        ],
    },
    {
        "id": "T2",
        "title": "An evening connection fault, with several slips",
        "purpose": "spot the slips",
        "direction": "inbound",
        "agent_id": "A1046", "agent_name": "Jonas Weber", "time_of_day": "evening",
        "summary": "A customer reports evening drop-outs; the agent answers late, greets badly, "
                   "holds without asking for over two minutes, bluffs, argues and books an "
                   "engineer without confirming the address, then hangs up first.",
        "lines": [
            _line(N, "The phone rings five times before the agent picks up.",
                  breaks=("answer_within_3_rings",)),
            _line(A, "Bluewater, hello?", breaks=("greeting_complete",),
                  note="No time-of-day greeting, no own name, no offer of help."),
            _line(C, "Hi, my internet keeps dropping out every evening this week."),
            _line(A, "Hang on.", breaks=("hold_permission",),
                  note="The agent presses hold straight away without asking."),
            _line(N, "The customer waits on hold for 2 minutes 10 seconds.",
                  breaks=("hold_over_1_min",)),
            _line(A, "Thanks for holding. What's your account number?", ("thank_for_waiting",)),
            _line(C, "It's 4471-9020. It's always around eight o'clock that it goes."),
            _line(A, "Evening drop-outs are always network congestion. There's nothing we can do "
                     "about it.", breaks=("pretend_to_know",),
                  note="The agent has not checked anything and states a cause as fact."),
            _line(C, "But my neighbour is with you too and hers works fine."),
            _line(A, "No, you've got that wrong. I've just told you it's congestion.",
                  breaks=("argue_with_customer",)),
            _line(C, "Can you at least send an engineer? I'm at 12 Alder Road."),
            _line(A, "Fine. Engineer booked for Thursday.", breaks=("read_back_details",),
                  note="The address and contact number are not read back before booking."),
            _line(C, "Okay... thank you."),
            _line(A, "Thank you for calling, Mr Reyes. Is there anything else I can help with?",
                  ("closing_thanks", "closing_anything_else")),
            _line(C, "No, that's it."),
            _line(A, "Have a good evening, and do call us again if the drop-outs continue. My agent "
                     "ID is 1046.", ("closing_positive", "closing_invite_again", "closing_agent_id")),
            _line(N, "The agent hangs up before the customer has said goodbye.",
                  breaks=("customer_hangs_up_first",)),
        ],
    },
    {
        "id": "T3",
        "title": "An older caller, a question the agent cannot answer, and a transfer",
        "purpose": "model",
        "direction": "inbound",
        "agent_id": "A1043", "agent_name": "Priya Raman", "time_of_day": "afternoon",
        "summary": "An older caller who is hard of hearing asks about a pensioner discount; the agent "
                   "slows down, admits she does not know, and transfers with permission to a named "
                   "colleague, staying on until the colleague answers.",
        "lines": [
            _line(N, "The phone rings once before the agent picks up.", ("answer_within_3_rings",)),
            _line(A, "Good afternoon, Bluewater Broadband, this is Priya speaking. How can I help you?",
                  ("greeting_complete",)),
            _line(C, "Sorry, dear, could you speak up a little? My hearing isn't what it was."),
            _line(A, "Of course. I'll speak slowly and clearly. How can I help you today?",
                  ("special_needs_help", "moderate_pace")),
            _line(C, "My friend says there is a discount for pensioners. Can I have it?"),
            _line(A, "That's a good question, and I don't want to give you a wrong answer. Our "
                     "discounts team will know for certain.", ("pretend_to_know", "pass_the_buck"),
                  note="Follows both: admits not knowing, and explains where the answer will come from."),
            _line(A, "May I transfer you to my colleague Mr Okafor in that team? He can check it for you.",
                  ("hold_permission", "transfer_name")),
            _line(C, "Yes, please do."),
            _line(N, "The agent stays on the line until Mr Okafor picks up, introduces the caller, "
                     "then leaves the call.", ("transfer_wait_for_answer",)),
            _line(C, "Thank you, you've been very kind."),
            _line(A, "Thank you, that's kind of you to say. I'm glad I could help. Mr Okafor is with "
                     "you now.", ("accept_praise_modestly", "closing_positive")),
        ],
    },
    {
        "id": "T4",
        "title": "An angry caller about a double charge",
        "purpose": "mixed",
        "direction": "inbound",
        "agent_id": "A1048", "agent_name": "Sofia Alvarez", "time_of_day": "morning",
        "summary": "A caller who was charged twice is rude; the agent stays calm, lets him finish and "
                   "apologises for her own slip, but uses jargon and one accusing question before "
                   "bringing in her supervisor.",
        "lines": [
            _line(N, "The phone rings three times before the agent picks up.", ("answer_within_3_rings",)),
            _line(A, "Good morning, Bluewater Broadband, this is Sofia. How may I help you?",
                  ("greeting_complete",)),
            _line(C, "You people have taken my money twice this month! This is the third time I've "
                     "called and nobody does anything. It's a joke."),
            _line(A, "I'm sorry to hear that. Please go on; I want to understand the whole problem.",
                  ("interrupt_customer", "argue_with_customer"),
                  note="Follows both: she lets him finish and does not answer back."),
            _line(C, "Two payments of $45 on the 3rd. I want one back today."),
            _line(A, "I see two DD collections, the second is a re-presentment after the first "
                     "bounced at the BACS cycle.", breaks=("slang_or_jargon",),
                  note="Internal banking jargon the caller cannot follow."),
            _line(C, "What? It didn't bounce, the money left my account twice!"),
            _line(A, "Didn't you check your bank statement before calling?",
                  breaks=("rhetorical_questions",)),
            _line(C, "Of course I did! That's how I know!"),
            _line(A, "You're right, and I'm sorry: I misread the record. Both payments did go through, "
                     "and one of them should not have.", ("correct_and_apologise",)),
            _line(C, "I want to speak to someone who can actually refund me."),
            _line(A, "I understand. Refunds the same day need my supervisor's approval. May I put you "
                     "on hold for under a minute while I bring her in?",
                  ("escalate_when_needed", "hold_permission")),
            _line(C, "Fine."),
            _line(N, "The customer is on hold for 35 seconds.", ("hold_over_1_min",)),
            _line(A, "Thank you for waiting. My supervisor, Ms Brooks, is on the line now and will "
                     "arrange the refund with you.", ("thank_for_waiting", "transfer_name")),
        ],
    },
    {
        "id": "T5",
        "title": "An outbound renewal call that leaks customer information",
        "purpose": "spot the slips",
        "direction": "outbound",
        "agent_id": "A1050", "agent_name": "Liam Doyle", "time_of_day": "afternoon",
        "summary": "The agent calls about a contract renewal; a flatmate answers, and the agent "
                   "discloses the customer's balance and contract details without verifying who "
                   "he is talking to: a critical breach.",
        "lines": [
            _line(N, "Before dialling, the agent notes the three points to cover: renewal date, new "
                     "price, how to confirm.", ("plan_outbound",)),
            _line(A, "Good afternoon, this is Liam from Bluewater Broadband. May I speak to Ms Okoye, "
                     "please?", note="Outbound opening: greeting, own name and company, then asks "
                                     "for the customer."),
            _line(C, "She's out. I'm her flatmate. What's it about?"),
            _line(A, "No problem. Her contract ends on the 30th and she still owes $86.40 from last "
                     "quarter; the new price would be $39 a month.", breaks=("leak_customer_info",),
                  note="Critical: account details given to someone who is not the verified customer."),
            _line(C, "Right, I'll tell her, I suppose."),
            _line(A, "Cheers, mate, tell her to ring the 0800 and quote her ref.",
                  breaks=("slang_or_jargon",)),
            _line(N, "The agent ends the call without thanking the flatmate or giving an agent ID.",
                  breaks=("closing_thanks", "closing_agent_id")),
        ],
    },
]


def validate(standards: list[dict[str, Any]], transcripts: list[dict[str, Any]]) -> None:
    """Raise ValueError naming the transcript line that cites an unknown standard, and similar."""
    ids = [s["id"] for s in standards]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate standard ids: {sorted({i for i in ids if ids.count(i) > 1})}")
    groups = {g["id"] for g in GROUPS}
    for s in standards:
        if s["group"] not in groups:
            raise ValueError(f"standard {s['id']}: unknown group {s['group']!r}")
        if s["type"] not in ("do", "dont"):
            raise ValueError(f"standard {s['id']}: type must be 'do' or 'dont'")
    known = set(ids)
    seen = set()
    for t in transcripts:
        if t["id"] in seen:
            raise ValueError(f"duplicate transcript id {t['id']}")
        seen.add(t["id"])
        for i, line in enumerate(t["lines"], start=1):
            where = f"transcript {t['id']} line {i}"
            if line.get("n", i) != i:
                raise ValueError(f"{where}: numbered {line['n']}, expected {i}")
            if line["speaker"] not in (A, C, N):
                raise ValueError(f"{where}: speaker must be Agent, Customer or Note")
            for sid in line["follows"] + line["breaks"]:
                if sid not in known:
                    raise ValueError(f"{where}: unknown standard id {sid!r}; add it to "
                                     f"service_standards.yaml (grader/datasets/transcripts.py) first")
            both = set(line["follows"]) & set(line["breaks"])
            if both:
                raise ValueError(f"{where}: both follows and breaks {sorted(both)}")
            if line["speaker"] == C and (line["follows"] or line["breaks"]):
                raise ValueError(f"{where}: only agent lines and notes carry annotations")


def _numbered(t: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in t.items() if k != "lines"}
    out["company"] = COMPANY
    out["lines"] = [{"n": i, **line} for i, line in enumerate(t["lines"], start=1)]
    return out


def generate(out_dir: Path, seed: int) -> list[Path]:
    """Write service_standards.yaml and transcripts.json (fixed content; ``seed`` is unused)."""
    del seed  # hand-written content: the same for every seed
    validate(STANDARDS, TRANSCRIPTS)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    std_path = out_dir / "service_standards.yaml"
    doc = {
        "title": "Telephone service standards (Module 1)",
        "source": SOURCE_002,
        "note": "Ids are stable: lessons, exercises, transcripts and role-play scorecards cite them. "
                "type 'do' = expected behaviour; type 'dont' = the behaviour to avoid (a line "
                "'breaks' it when the agent does it). Generated by grader/datasets/transcripts.py.",
        "groups": GROUPS,
        "standards": STANDARDS,
    }
    std_path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100),
                        encoding="utf-8")
    tr_path = out_dir / "transcripts.json"
    payload = {"company": COMPANY, "speakers": [A, C, N],
               "transcripts": [_numbered(t) for t in TRANSCRIPTS]}
    tr_path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [std_path, tr_path]


# --------------------------------------------------------------------------- reading
def load_standards() -> dict[str, dict[str, Any]]:
    """The service standards by id, read from ``datasets/service_standards.yaml``."""
    from . import path

    doc = yaml.safe_load(path("service_standards.yaml").read_text(encoding="utf-8"))
    return {s["id"]: s for s in doc["standards"]}


def load_transcripts() -> dict[str, dict[str, Any]]:
    """The annotated transcripts by id (``"T1"`` ...), read from ``datasets/transcripts.json``."""
    from . import path

    doc = json.loads(path("transcripts.json").read_text(encoding="utf-8"))
    return {t["id"]: t for t in doc["transcripts"]}


def breaches(transcript: dict[str, Any]) -> dict[int, list[str]]:
    """{line number: [standard ids broken on that line]} for one transcript."""
    return {line["n"]: list(line["breaks"]) for line in transcript["lines"] if line["breaks"]}


def to_markdown(transcript: dict[str, Any]) -> str:
    """A transcript as numbered Markdown lines (notes in italics), without its annotations."""
    rows = []
    for line in transcript["lines"]:
        if line["speaker"] == N:
            rows.append(f"{line['n']}. *[{line['text']}]*")
        else:
            rows.append(f"{line['n']}. **{line['speaker']}:** {line['text']}")
    return "\n".join(rows)

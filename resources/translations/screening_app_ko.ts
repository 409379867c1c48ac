<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>AbandonDialog</name>
    <message>
        <source>End the interview without a choice</source>
        <translation>선택 없이 면담 종료</translation>
    </message>
    <message>
        <source>The record will say the interview stopped at &lt;b&gt;{step}&lt;/b&gt;. Why?</source>
        <translation>기록에는 면담이 &lt;b&gt;{step}&lt;/b&gt; 단계에서 중단되었다고 남습니다. 이유는 무엇입니까?</translation>
    </message>
    <message>
        <source>&amp;Note (optional):</source>
        <translation>메모(&amp;N) (선택 사항):</translation>
    </message>
    <message>
        <source>End interview</source>
        <translation>면담 종료</translation>
    </message>
</context>
<context>
    <name>AccountsDialog</name>
    <message>
        <source>At least {count} characters; not the user name, not digits only, not a common password. A few words are easy to remember.</source>
        <translation>최소 {count}자 이상이어야 하며, 사용자 이름이나 숫자만으로 된 것, 흔한 비밀번호는 쓸 수 없습니다. 단어 몇 개를 이으면 기억하기 쉽습니다.</translation>
    </message>
    <message>
        <source>The display name is what people read on forms, flags and lists (full name and rank, such as &apos;Capt. R. Hughes&apos;); without one, the user name is shown.</source>
        <translation>표시 이름은 서류, 표시, 목록에 나타나는 이름입니다(성명과 계급, 예: &apos;Capt. R. Hughes&apos;). 표시 이름이 없으면 사용자 이름이 표시됩니다.</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>표시 이름</translation>
    </message>
    <message>
        <source>Full name and rank, such as Capt. R. Hughes</source>
        <translation>성명과 계급, 예: Capt. R. Hughes</translation>
    </message>
    <message>
        <source>The two new passwords differ.</source>
        <translation>두 새 비밀번호가 서로 다릅니다.</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>계정</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>추가(&amp;A)…</translation>
    </message>
    <message>
        <source>Display &amp;name…</source>
        <translation>표시 이름(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Disable</source>
        <translation>비활성화(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Enable…</source>
        <translation>활성화(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Reset password…</source>
        <translation>비밀번호 재설정(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>닫기(&amp;C)</translation>
    </message>
    <message>
        <source>Account &apos;{name}&apos; (shown as &apos;{shown}&apos;) added with role {role}.</source>
        <translation>계정 &apos;{name}&apos;(&apos;{shown}&apos;(으)로 표시)을(를) {role} 역할로 추가했습니다.</translation>
    </message>
    <message>
        <source>Account &apos;{name}&apos; added with role {role}.</source>
        <translation>계정 &apos;{name}&apos;을(를) {role} 역할로 추가했습니다.</translation>
    </message>
    <message>
        <source>Account &apos;{name}&apos; is now shown as &apos;{shown}&apos;.</source>
        <translation>계정 &apos;{name}&apos;은(는) 이제 &apos;{shown}&apos;(으)로 표시됩니다.</translation>
    </message>
    <message>
        <source>Account &apos;{name}&apos; has no display name now; its user name is shown.</source>
        <translation>계정 &apos;{name}&apos;에는 이제 표시 이름이 없으며 사용자 이름이 표시됩니다.</translation>
    </message>
    <message>
        <source>Disable the account</source>
        <translation>계정 비활성화</translation>
    </message>
    <message>
        <source>Disable &apos;{name}&apos;? The account can no longer sign in nor unlock the station key. Its records stay; an admin can enable it again with a new password.</source>
        <translation>&apos;{name}&apos; 계정을 비활성화하겠습니까? 이 계정으로는 더 이상 로그인하거나 면담소 키의 잠금을 풀 수 없습니다. 기록은 그대로 남으며, 관리자가 새 비밀번호로 다시 활성화할 수 있습니다.</translation>
    </message>
    <message>
        <source>Account &apos;{name}&apos; disabled.</source>
        <translation>계정 &apos;{name}&apos;을(를) 비활성화했습니다.</translation>
    </message>
    <message>
        <source>Enable {name}</source>
        <translation>{name} 활성화</translation>
    </message>
    <message>
        <source>Enabling &apos;{name}&apos; needs a new password: tell it to them in person.</source>
        <translation>&apos;{name}&apos; 계정을 활성화하려면 새 비밀번호가 필요합니다. 본인에게 직접 알려 주십시오.</translation>
    </message>
    <message>
        <source>Account &apos;{name}&apos; enabled with its new password.</source>
        <translation>계정 &apos;{name}&apos;을(를) 새 비밀번호로 활성화했습니다.</translation>
    </message>
    <message>
        <source>Reset the password of {name}</source>
        <translation>{name}의 비밀번호 재설정</translation>
    </message>
    <message>
        <source>A new password for &apos;{name}&apos;, who has forgotten theirs: tell it to them in person. Their personal signing key, if they have one, is lost with the old password.</source>
        <translation>비밀번호를 잊은 &apos;{name}&apos;의 새 비밀번호입니다. 본인에게 직접 알려 주십시오. 개인 서명 키가 있었다면 이전 비밀번호와 함께 사라집니다.</translation>
    </message>
    <message>
        <source>The password of &apos;{name}&apos; is reset.</source>
        <translation>&apos;{name}&apos;의 비밀번호를 재설정했습니다.</translation>
    </message>
</context>
<context>
    <name>AccountsTableModel</name>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>역할</translation>
    </message>
    <message>
        <source>Created (UTC)</source>
        <translation>생성 시각(UTC)</translation>
    </message>
    <message>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>표시 이름</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>비활성</translation>
    </message>
    <message>
        <source>enabled</source>
        <translation>활성</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Demo accounts (demo only):</source>
        <translation>시연용 계정(시연 전용):</translation>
    </message>
    <message>
        <source>Cannot open the station</source>
        <translation>면담소를 열 수 없습니다</translation>
    </message>
</context>
<context>
    <name>BatchPrintDialog</name>
    <message>
        <source>Choice form</source>
        <translation>선택 기록서</translation>
    </message>
    <message>
        <source>Non-completion</source>
        <translation>미완료 기록</translation>
    </message>
    <message>
        <source>Choice forms and non-completion records</source>
        <translation>선택 기록서와 미완료 기록</translation>
    </message>
    <message>
        <source>Choice forms only</source>
        <translation>선택 기록서만</translation>
    </message>
    <message>
        <source>Non-completion records only</source>
        <translation>미완료 기록만</translation>
    </message>
    <message>
        <source>All compounds</source>
        <translation>모든 수용동</translation>
    </message>
    <message>
        <source>nothing was printed or counted.</source>
        <translation>아무것도 인쇄되거나 집계되지 않았습니다.</translation>
    </message>
    <message>
        <source>1 form was printed and counted.</source>
        <translation>서류 1건을 인쇄하고 집계했습니다.</translation>
    </message>
    <message>
        <source>{forms} were printed and counted.</source>
        <translation>{forms}을(를) 인쇄하고 집계했습니다.</translation>
    </message>
    <message>
        <source>Stopped after {done} of {total}: {problem} {counted}</source>
        <translation>{total}건 중 {done}건 후 중단: {problem} {counted}</translation>
    </message>
    <message>
        <source>Cancelled after {done} of {total}: {counted}</source>
        <translation>{total}건 중 {done}건 후 취소: {counted}</translation>
    </message>
    <message>
        <source>1 page</source>
        <translation>1쪽</translation>
    </message>
    <message>
        <source>{count} pages</source>
        <translation>{count}쪽</translation>
    </message>
    <message>
        <source>Printed {forms} ({pages}).</source>
        <translation>{forms}을(를) 인쇄했습니다({pages}).</translation>
    </message>
    <message>
        <source>1 form</source>
        <translation>서류 1건</translation>
    </message>
    <message>
        <source>{count} forms</source>
        <translation>서류 {count}건</translation>
    </message>
    <message>
        <source>Printing {number} of {total}: {isn}</source>
        <translation>{total}건 중 {number}번째 인쇄 중: {isn}</translation>
    </message>
    <message>
        <source>the stored form of {isn} could not be read as a PDF.</source>
        <translation>{isn}의 저장된 서류를 PDF로 읽을 수 없습니다.</translation>
    </message>
    <message>
        <source>The printer could not be opened.</source>
        <translation>프린터를 열 수 없습니다.</translation>
    </message>
    <message>
        <source>Print forms</source>
        <translation>서류 인쇄</translation>
    </message>
    <message>
        <source>Compound</source>
        <translation>수용동</translation>
    </message>
    <message>
        <source>Finalised on</source>
        <translation>확정일</translation>
    </message>
    <message>
        <source>Any &amp;day</source>
        <translation>모든 날짜(&amp;D)</translation>
    </message>
    <message>
        <source>Kind of form</source>
        <translation>서류 종류</translation>
    </message>
    <message>
        <source>&amp;Compound:</source>
        <translation>수용동(&amp;C):</translation>
    </message>
    <message>
        <source>&amp;Finalised on:</source>
        <translation>확정일(&amp;F):</translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation>종류(&amp;K):</translation>
    </message>
    <message>
        <source>Select &amp;all</source>
        <translation>모두 선택(&amp;A)</translation>
    </message>
    <message>
        <source>Select &amp;none</source>
        <translation>선택 해제(&amp;N)</translation>
    </message>
    <message>
        <source>All forms go to the printer as one job. Every print is counted: a form&apos;s first print, before or after approval, is its original, and later prints carry a “COPY n” mark.</source>
        <translation>모든 서류는 하나의 인쇄 작업으로 프린터에 보내집니다. 인쇄할 때마다 횟수가 기록됩니다. 승인 전이든 후든 처음 인쇄한 것이 원본이며, 그 뒤의 인쇄물에는 “COPY n” 표시가 찍힙니다.</translation>
    </message>
    <message>
        <source>&amp;Print…</source>
        <translation>인쇄(&amp;P)…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <source>{checked} of {forms} selected</source>
        <translation>{forms} 중 {checked}건 선택됨</translation>
    </message>
    <message>
        <source>Preparing to print {forms}…</source>
        <translation>{forms} 인쇄를 준비하는 중…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Printing forms</source>
        <translation>서류 인쇄 중</translation>
    </message>
    <message>
        <source>Printing {forms}…</source>
        <translation>{forms} 인쇄 중…</translation>
    </message>
    <message>
        <source>Cancelling: the form being printed is finished first…</source>
        <translation>취소하는 중입니다. 인쇄 중인 서류는 끝까지 인쇄합니다…</translation>
    </message>
    <message>
        <source>Printing failed: {reason} The “Printed” column shows what was counted.</source>
        <translation>인쇄하지 못했습니다: {reason} 기록된 횟수는 “인쇄” 열에서 확인할 수 있습니다.</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <source>Change my password</source>
        <translation>내 비밀번호 변경</translation>
    </message>
    <message>
        <source>Account &lt;b&gt;{name}&lt;/b&gt; ({role})</source>
        <translation>계정 &lt;b&gt;{name}&lt;/b&gt; ({role})</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>현재 비밀번호</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>새 비밀번호</translation>
    </message>
    <message>
        <source>Repeat the new password</source>
        <translation>새 비밀번호 다시 입력</translation>
    </message>
    <message>
        <source>&amp;Current password</source>
        <translation>현재 비밀번호(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;New password</source>
        <translation>새 비밀번호(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Repeat it</source>
        <translation>다시 입력(&amp;R)</translation>
    </message>
    <message>
        <source>Change password</source>
        <translation>비밀번호 변경</translation>
    </message>
</context>
<context>
    <name>DashboardDialog</name>
    <message>
        <source>Dashboard — {camp}</source>
        <translation>현황판 — {camp}</translation>
    </message>
    <message>
        <source>Legend of the charts</source>
        <translation>도표 범례</translation>
    </message>
    <message>
        <source>Export &amp;CSV…</source>
        <translation>CSV 내보내기(&amp;C)…</translation>
    </message>
    <message>
        <source>Export &amp;XLSX…</source>
        <translation>XLSX 내보내기(&amp;X)…</translation>
    </message>
    <message>
        <source>Export revised &amp;lists…</source>
        <translation>수정 명부 내보내기(&amp;L)…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <source>Roster &lt;b&gt;{roster}&lt;/b&gt; · screened &lt;b&gt;{screened}&lt;/b&gt; · not completed &lt;b&gt;{not_completed}&lt;/b&gt; ({reasons}) · not yet &lt;b&gt;{not_yet}&lt;/b&gt;</source>
        <translation>명부 &lt;b&gt;{roster}&lt;/b&gt;명 · 심사 완료 &lt;b&gt;{screened}&lt;/b&gt;명 · 미완료 &lt;b&gt;{not_completed}&lt;/b&gt;명 ({reasons}) · 미실시 &lt;b&gt;{not_yet}&lt;/b&gt;명</translation>
    </message>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>Outcomes by compound</source>
        <translation>수용동별 결과</translation>
    </message>
    <message>
        <source>Outcomes by day</source>
        <translation>일자별 결과</translation>
    </message>
    <message>
        <source>Interviewer</source>
        <translation>면담관</translation>
    </message>
    <message>
        <source>Export the figures</source>
        <translation>수치 내보내기</translation>
    </message>
    <message>
        <source>Not exported</source>
        <translation>내보내지 못했습니다</translation>
    </message>
    <message>
        <source>Export the revised lists to</source>
        <translation>수정 명부를 내보낼 위치</translation>
    </message>
    <message>
        <source>1 file</source>
        <translation>파일 1개</translation>
    </message>
    <message>
        <source>{count} files</source>
        <translation>파일 {count}개</translation>
    </message>
    <message>
        <source>Revised lists</source>
        <translation>수정 명부</translation>
    </message>
    <message>
        <source>Wrote {files} to {folder}; the PDF is signed.</source>
        <translation>{folder}에 {files}를 저장했습니다. PDF에는 서명이 되어 있습니다.</translation>
    </message>
    <message>
        <source>Not completed</source>
        <translation>미완료</translation>
    </message>
</context>
<context>
    <name>DecisionDialog</name>
    <message>
        <source>Approve</source>
        <translation>승인</translation>
    </message>
    <message>
        <source>&amp;Approve and countersign</source>
        <translation>승인 및 확인 서명(&amp;A)</translation>
    </message>
    <message>
        <source>Send back</source>
        <translation>반송</translation>
    </message>
    <message>
        <source>&amp;Send back</source>
        <translation>반송(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Reason (the interviewer will see it):</source>
        <translation>사유(&amp;R) (면담관이 보게 됩니다):</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>기각</translation>
    </message>
    <message>
        <source>&amp;Reject</source>
        <translation>기각(&amp;R)</translation>
    </message>
    <message>
        <source>{decision}: {person}</source>
        <translation>{decision}: {person}</translation>
    </message>
    <message>
        <source>&amp;Note: why is it approved despite the flags? (required, kept with the review)</source>
        <translation>메모(&amp;N): 표시가 있는데도 승인하는 이유는 무엇입니까? (필수, 검토 기록에 보관됨)</translation>
    </message>
    <message>
        <source>&amp;Note (optional):</source>
        <translation>메모(&amp;N) (선택 사항):</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>메모</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>사유</translation>
    </message>
    <message>
        <source>Approved despite: …</source>
        <translation>다음에도 불구하고 승인: …</translation>
    </message>
    <message>
        <source>Write why it is approved despite the flags; the note is kept with the review.</source>
        <translation>표시가 있는데도 승인하는 이유를 적으십시오. 메모는 검토 기록에 보관됩니다.</translation>
    </message>
    <message>
        <source>Write the reason; the interviewer will read it.</source>
        <translation>사유를 적으십시오. 면담관이 읽게 됩니다.</translation>
    </message>
    <message>
        <source>Approve the interview of {person}?</source>
        <translation>{person}의 면담을 승인하겠습니까?</translation>
    </message>
    <message>
        <source>Send back the interview of {person}?</source>
        <translation>{person}의 면담을 반송하겠습니까?</translation>
    </message>
    <message>
        <source>Reject the interview of {person}?</source>
        <translation>{person}의 면담을 기각하겠습니까?</translation>
    </message>
    <message>
        <source>{outcome} · interviewer {interviewer} · finalised {day}</source>
        <translation>{outcome} · 면담관 {interviewer} · 확정 {day}</translation>
    </message>
    <message>
        <source>Approving countersigns the stored form with your key; a decision is final.</source>
        <translation>승인하면 저장된 서류에 귀하의 키로 확인 서명합니다. 결정은 번복할 수 없습니다.</translation>
    </message>
    <message>
        <source>{interviewer} will interview again, as a new interview linked to this one.</source>
        <translation>{interviewer}이(가) 이 면담과 연결된 새 면담으로 다시 면담합니다.</translation>
    </message>
    <message>
        <source>{interviewer} will read the reason; a decision is final.</source>
        <translation>{interviewer}이(가) 사유를 읽게 됩니다. 결정은 번복할 수 없습니다.</translation>
    </message>
    <message>
        <source>This record has no flags.</source>
        <translation>이 기록에는 표시가 없습니다.</translation>
    </message>
    <message>
        <source>Flags on this record:</source>
        <translation>이 기록의 표시:</translation>
    </message>
</context>
<context>
    <name>DisplayNameDialog</name>
    <message>
        <source>Display name of {name}</source>
        <translation>{name}의 표시 이름</translation>
    </message>
    <message>
        <source>&amp;Display name</source>
        <translation>표시 이름(&amp;D)</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>저장</translation>
    </message>
    <message>
        <source>Records keep the user name &apos;{name}&apos;; leave the field empty to show it again.</source>
        <translation>기록에는 사용자 이름 &apos;{name}&apos;이(가) 그대로 남습니다. 다시 사용자 이름을 표시하려면 칸을 비워 두십시오.</translation>
    </message>
</context>
<context>
    <name>Failures</name>
    <message>
        <source>Unexpected failure</source>
        <translation>예기치 않은 오류</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Set up this station</source>
        <translation>이 면담소 설정</translation>
    </message>
    <message>
        <source>There is no station in &lt;b&gt;{folder}&lt;/b&gt; yet.</source>
        <translation>&lt;b&gt;{folder}&lt;/b&gt;에는 아직 면담소가 없습니다.</translation>
    </message>
    <message>
        <source>Station &amp;id</source>
        <translation>면담소 ID(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Camp</source>
        <translation>수용소(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Admin name</source>
        <translation>관리자 이름(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>비밀번호(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Repeat</source>
        <translation>다시 입력(&amp;R)</translation>
    </message>
    <message>
        <source>Create &amp;station</source>
        <translation>면담소 만들기(&amp;S)</translation>
    </message>
    <message>
        <source>Open the &amp;demo station</source>
        <translation>시연용 면담소 열기(&amp;D)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>두 비밀번호가 서로 다릅니다.</translation>
    </message>
</context>
<context>
    <name>InterviewWizard</name>
    <message>
        <source>(transcribed)</source>
        <translation>(옮겨 적음)</translation>
    </message>
    <message>
        <source>Show the texts in this language (the interview&apos;s own language is recorded at the language step)</source>
        <translation>문안을 이 언어로 표시합니다(면담에 쓰인 언어는 언어 단계에서 기록합니다)</translation>
    </message>
    <message>
        <source>&amp;End interview…</source>
        <translation>면담 종료(&amp;E)…</translation>
    </message>
    <message>
        <source>Wrong person: &amp;discard…</source>
        <translation>다른 사람임: 폐기(&amp;D)…</translation>
    </message>
    <message>
        <source>Set this draft aside because it was opened for the wrong person (only before anything beyond the identity check is answered)</source>
        <translation>다른 사람으로 잘못 열었으므로 이 초안을 폐기합니다(신원 확인 이후의 질문에 답하기 전에만 가능)</translation>
    </message>
    <message>
        <source>&amp;Pause (keep draft)</source>
        <translation>일시 중지(&amp;P) (초안 보관)</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>이전(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Next</source>
        <translation>다음(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Finalise…</source>
        <translation>확정(&amp;F)…</translation>
    </message>
    <message>
        <source>End the interview</source>
        <translation>면담 종료</translation>
    </message>
    <message>
        <source>End the interview here: {reason}? The record is sealed as not completed.</source>
        <translation>여기서 면담을 종료하겠습니까? 사유: {reason}. 기록은 미완료로 봉인됩니다.</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>검토</translation>
    </message>
    <message>
        <source>Step {number} of {count}</source>
        <translation>{count}단계 중 {number}단계</translation>
    </message>
    <message>
        <source>&amp;Next: end interview</source>
        <translation>다음(&amp;N): 면담 종료</translation>
    </message>
    <message>
        <source>This answer means the interview cannot go on ({reason}). Next ends it with that reason; change the answer if it was a mistake.</source>
        <translation>이 답변에 따라 면담을 계속할 수 없습니다({reason}). 다음을 누르면 이 사유로 면담이 종료됩니다. 잘못 답한 경우 답변을 바꾸십시오.</translation>
    </message>
    <message>
        <source>Still to answer: {questions}</source>
        <translation>아직 답하지 않은 질문: {questions}</translation>
    </message>
    <message>
        <source>Still to answer: {count} questions on this page, the first “{first}”.</source>
        <translation>이 페이지에 아직 답하지 않은 질문이 {count}개 있습니다. 첫 번째: “{first}”.</translation>
    </message>
    <message>
        <source>Finalise the interview</source>
        <translation>면담 확정</translation>
    </message>
    <message>
        <source>Finalise this interview? The record is sealed and cannot be changed afterwards; a correction is a new interview linked to it.</source>
        <translation>이 면담을 확정하겠습니까? 기록은 봉인되어 이후에 바꿀 수 없습니다. 정정은 이 면담과 연결된 새 면담으로 합니다.</translation>
    </message>
    <message>
        <source>Discard this draft</source>
        <translation>이 초안 폐기</translation>
    </message>
    <message>
        <source>Discard the interview of {name} ({isn})? The draft is kept in the history as discarded, with your name.
Why:</source>
        <translation>{name}({isn})의 면담을 폐기하겠습니까? 초안은 귀하의 이름과 함께 폐기된 것으로 이력에 남습니다.
이유:</translation>
    </message>
    <message>
        <source>Opened for the wrong person</source>
        <translation>다른 사람으로 잘못 열었음</translation>
    </message>
    <message>
        <source>Not finalised</source>
        <translation>확정하지 못했습니다</translation>
    </message>
</context>
<context>
    <name>KnownPeopleDialog</name>
    <message>
        <source>Interpreters and observers</source>
        <translation>통역인과 참관인</translation>
    </message>
    <message>
        <source>The interview offers these names as the interviewer types, so that each person is written the same way in every record.</source>
        <translation>면담관이 입력할 때 이 이름들이 제시되므로, 모든 기록에 같은 사람이 같은 방식으로 기재됩니다.</translation>
    </message>
    <message>
        <source>&amp;Name (romanised)</source>
        <translation>이름(&amp;N) (로마자 표기)</translation>
    </message>
    <message>
        <source>Name in &amp;native script</source>
        <translation>본래 표기 이름(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Languages</source>
        <translation>언어(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Body represented (observers)</source>
        <translation>소속 기관(&amp;B) (참관인)</translation>
    </message>
    <message>
        <source>&amp;Add as new</source>
        <translation>새로 추가(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Save changes</source>
        <translation>변경 사항 저장(&amp;S)</translation>
    </message>
    <message>
        <source>Correct the selected person&apos;s entry; records that name them keep the name they were written with</source>
        <translation>선택한 사람의 항목을 고칩니다. 이 사람이 기재된 기록에는 기재 당시의 이름이 그대로 남습니다</translation>
    </message>
    <message>
        <source>&amp;Retire selected</source>
        <translation>선택 항목 사용 중지(&amp;R)</translation>
    </message>
    <message>
        <source>No longer offer this person (records that name them keep the name)</source>
        <translation>이 사람을 더 이상 제시하지 않습니다(이 사람이 기재된 기록에는 이름이 그대로 남습니다)</translation>
    </message>
    <message>
        <source>The selected entry is the same person as</source>
        <translation>선택한 항목과 같은 사람:</translation>
    </message>
    <message>
        <source>&amp;Merge</source>
        <translation>병합(&amp;M)</translation>
    </message>
    <message>
        <source>Keep one entry for the two; the review counts the interviews of both as one person&apos;s</source>
        <translation>두 항목을 하나로 합칩니다. 검토 시 두 항목의 면담을 한 사람의 것으로 셉니다</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <source>Select the person to correct first.</source>
        <translation>먼저 고칠 사람을 선택하십시오.</translation>
    </message>
    <message>
        <source>{before} is now {after}.</source>
        <translation>{before}이(가) 이제 {after}(으)로 바뀌었습니다.</translation>
    </message>
    <message>
        <source>Select the entry to merge, and the person it is.</source>
        <translation>병합할 항목과 그 항목이 가리키는 사람을 선택하십시오.</translation>
    </message>
    <message>
        <source>Merge two entries</source>
        <translation>두 항목 병합</translation>
    </message>
    <message>
        <source>{person} and {into} are one person?

The interview will offer only {into}, and the review will count the interviews that name either as this one person&apos;s. A merge cannot be undone.</source>
        <translation>{person}와(과) {into}은(는) 같은 사람입니까?

면담에서는 {into}만 제시되며, 검토 시 둘 중 하나가 기재된 면담을 모두 이 한 사람의 것으로 셉니다. 병합은 되돌릴 수 없습니다.</translation>
    </message>
    <message>
        <source>{person} is merged into {into}.</source>
        <translation>{person}을(를) {into}(으)로 병합했습니다.</translation>
    </message>
    <message>
        <source>Select the person to retire first.</source>
        <translation>먼저 사용 중지할 사람을 선택하십시오.</translation>
    </message>
    <message>
        <source>The interview no longer offers {person}.</source>
        <translation>면담에서 더 이상 {person}을(를) 제시하지 않습니다.</translation>
    </message>
    <message>
        <source>Added interpreter {person}.</source>
        <translation>통역인 {person}을(를) 추가했습니다.</translation>
    </message>
    <message>
        <source>Added observer {person}.</source>
        <translation>참관인 {person}을(를) 추가했습니다.</translation>
    </message>
    <message>
        <source>Interpreters</source>
        <translation>통역인</translation>
    </message>
    <message>
        <source>Observers</source>
        <translation>참관인</translation>
    </message>
</context>
<context>
    <name>KnownPeopleModel</name>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Native script</source>
        <translation>본래 표기</translation>
    </message>
    <message>
        <source>Languages</source>
        <translation>언어</translation>
    </message>
    <message>
        <source>Body represented</source>
        <translation>소속 기관</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <source>The interface will be in {language} when the app next opens.</source>
        <translation>화면 언어: {language}. 다음에 프로그램을 열 때부터 적용됩니다.</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>언어(&amp;L)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Screening — {station} ({camp})</source>
        <translation>심사 — {station} ({camp})</translation>
    </message>
    <message>
        <source> — DEMO</source>
        <translation> — 시연용</translation>
    </message>
    <message>
        <source>No backup has been made today: &lt;b&gt;Station &amp;gt; Back up…&lt;/b&gt; (Ctrl+Shift+B) writes an encrypted copy to a stick.</source>
        <translation>오늘은 아직 백업하지 않았습니다. &lt;b&gt;면담소 &amp;gt; 백업…&lt;/b&gt;(Ctrl+Shift+B)을 실행하면 암호화된 사본이 USB 메모리에 저장됩니다.</translation>
    </message>
    <message>
        <source>Search by ISN or name (한글, 漢字, Latin)…</source>
        <translation>포로 번호(ISN) 또는 이름으로 검색(한글, 漢字, 로마자)…</translation>
    </message>
    <message>
        <source>Search the roster</source>
        <translation>명부 검색</translation>
    </message>
    <message>
        <source>&amp;Station</source>
        <translation>면담소(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Lock</source>
        <translation>잠금(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Verify a form…</source>
        <translation>서류 검증(&amp;V)…</translation>
    </message>
    <message>
        <source>Lock &amp;after…</source>
        <translation>자동 잠금 시간(&amp;A)…</translation>
    </message>
    <message>
        <source>A&amp;ccounts…</source>
        <translation>계정(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;Interpreters and observers…</source>
        <translation>통역인과 참관인(&amp;I)…</translation>
    </message>
    <message>
        <source>Change my &amp;password…</source>
        <translation>내 비밀번호 변경(&amp;P)…</translation>
    </message>
    <message>
        <source>S&amp;ync with headquarters…</source>
        <translation>본부와 동기화(&amp;Y)…</translation>
    </message>
    <message>
        <source>&amp;Back up…</source>
        <translation>백업(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Interview</source>
        <translation>면담(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Start interview with the selected person</source>
        <translation>선택한 사람과 면담 시작(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Resume an unfinished interview…</source>
        <translation>마치지 않은 면담 재개(&amp;R)…</translation>
    </message>
    <message>
        <source>Sent &amp;back to me…</source>
        <translation>나에게 반송된 면담(&amp;B)…</translation>
    </message>
    <message>
        <source>Re&amp;view queue…</source>
        <translation>검토 대기열(&amp;V)…</translation>
    </message>
    <message>
        <source>&amp;Dashboard…</source>
        <translation>현황판(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Find person</source>
        <translation>사람 찾기(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Print forms…</source>
        <translation>서류 인쇄(&amp;P)…</translation>
    </message>
    <message>
        <source>Signed in: {name} ({role})</source>
        <translation>로그인: {name} ({role})</translation>
    </message>
    <message>
        <source>No one matches “{query}”.</source>
        <translation>“{query}”와(과) 일치하는 사람이 없습니다.</translation>
    </message>
    <message>
        <source>The roster is empty.</source>
        <translation>명부가 비어 있습니다.</translation>
    </message>
    <message>
        <source>Cannot start</source>
        <translation>시작할 수 없습니다</translation>
    </message>
    <message>
        <source>Discard the draft</source>
        <translation>초안 폐기</translation>
    </message>
    <message>
        <source>The draft stays in the history as discarded, with your name. Why is it discarded?</source>
        <translation>초안은 귀하의 이름과 함께 폐기된 것으로 이력에 남습니다. 폐기하는 이유는 무엇입니까?</translation>
    </message>
    <message>
        <source>Opened for the wrong person</source>
        <translation>다른 사람으로 잘못 열었음</translation>
    </message>
    <message>
        <source>Not discarded</source>
        <translation>폐기하지 못했습니다</translation>
    </message>
    <message>
        <source>The draft was discarded; it stays in the history with your name.</source>
        <translation>초안을 폐기했습니다. 귀하의 이름과 함께 이력에 남습니다.</translation>
    </message>
    <message>
        <source>Interview {id} finalised and sealed.</source>
        <translation>면담 {id}을(를) 확정하고 봉인했습니다.</translation>
    </message>
    <message>
        <source>Stored form</source>
        <translation>저장된 서류</translation>
    </message>
    <message>
        <source>{native} {latin} ({isn}) — at “{step}”, started {started}</source>
        <translation>{native} {latin} ({isn}) — “{step}” 단계, {started} 시작</translation>
    </message>
    <message>
        <source>Resume an unfinished interview</source>
        <translation>마치지 않은 면담 재개</translation>
    </message>
    <message>
        <source>These interviews were not finished; every answer given was saved.
Resume one now?</source>
        <translation>다음 면담은 마치지 못했습니다. 답변은 모두 저장되어 있습니다.
지금 하나를 재개하겠습니까?</translation>
    </message>
    <message>
        <source>Back up the station to</source>
        <translation>면담소를 백업할 위치</translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>백업하는 중…</translation>
    </message>
    <message>
        <source>Backed up to {folder} ({events} events, encrypted).</source>
        <translation>{folder}에 백업했습니다(이벤트 {events}건, 암호화됨).</translation>
    </message>
    <message>
        <source>No backup was made: {reason}</source>
        <translation>백업하지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>No backup was made</source>
        <translation>백업하지 못했습니다</translation>
    </message>
    <message>
        <source>Your password is changed; use the new one from now on.</source>
        <translation>비밀번호를 변경했습니다. 이제부터 새 비밀번호를 사용하십시오.</translation>
    </message>
    <message>
        <source>Nothing was sent back to you.</source>
        <translation>귀하에게 반송된 면담이 없습니다.</translation>
    </message>
    <message>
        <source>Sent back to you</source>
        <translation>귀하에게 반송된 면담</translation>
    </message>
    <message>
        <source>A supervisor sent these back. Interview the person again?</source>
        <translation>감독관이 다음 면담을 반송했습니다. 해당 사람을 다시 면담하겠습니까?</translation>
    </message>
    <message>
        <source>Lock after</source>
        <translation>자동 잠금</translation>
    </message>
    <message>
        <source>Lock after this many idle minutes (0 = never):</source>
        <translation>아무 조작이 없을 때 잠글 시간(분, 0 = 잠그지 않음):</translation>
    </message>
</context>
<context>
    <name>NewAccountDialog</name>
    <message>
        <source>Add an account</source>
        <translation>계정 추가</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>사용자 이름</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>역할</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>비밀번호</translation>
    </message>
    <message>
        <source>Repeat the password</source>
        <translation>비밀번호 다시 입력</translation>
    </message>
    <message>
        <source>User &amp;name</source>
        <translation>사용자 이름(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Display name</source>
        <translation>표시 이름(&amp;D)</translation>
    </message>
    <message>
        <source>R&amp;ole</source>
        <translation>역할(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>비밀번호(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Repeat it</source>
        <translation>다시 입력(&amp;R)</translation>
    </message>
    <message>
        <source>Add account</source>
        <translation>계정 추가</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>두 비밀번호가 서로 다릅니다.</translation>
    </message>
</context>
<context>
    <name>NewPasswordDialog</name>
    <message>
        <source>New password</source>
        <translation>새 비밀번호</translation>
    </message>
    <message>
        <source>Repeat the new password</source>
        <translation>새 비밀번호 다시 입력</translation>
    </message>
    <message>
        <source>&amp;New password</source>
        <translation>새 비밀번호(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Repeat it</source>
        <translation>다시 입력(&amp;R)</translation>
    </message>
</context>
<context>
    <name>OpenDraftDialog</name>
    <message>
        <source>An interview is open</source>
        <translation>진행 중인 면담이 있습니다</translation>
    </message>
    <message>
        <source>you</source>
        <translation>귀하</translation>
    </message>
    <message>
        <source>An interview of &lt;b&gt;{name}&lt;/b&gt; ({isn}) is open as a draft, started {started} by {who}.</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt;({isn})의 면담이 초안으로 열려 있습니다. {started}에 {who}이(가) 시작했습니다.</translation>
    </message>
    <message>
        <source>Only {interviewer} can continue it; it can be discarded if it was opened by mistake.</source>
        <translation>{interviewer}만 이어서 진행할 수 있습니다. 잘못 연 것이라면 폐기할 수 있습니다.</translation>
    </message>
    <message>
        <source>Only {interviewer} can continue it.</source>
        <translation>{interviewer}만 이어서 진행할 수 있습니다.</translation>
    </message>
    <message>
        <source>&amp;Resume it</source>
        <translation>재개(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Discard it (opened by mistake)…</source>
        <translation>폐기(&amp;D) (잘못 열었음)…</translation>
    </message>
</context>
<context>
    <name>PdfPreviewDialog</name>
    <message>
        <source>Choice form</source>
        <translation>선택 기록서</translation>
    </message>
    <message>
        <source>Non completion</source>
        <translation>미완료 기록</translation>
    </message>
    <message>
        <source>1 page</source>
        <translation>1쪽</translation>
    </message>
    <message>
        <source>{count} pages</source>
        <translation>{count}쪽</translation>
    </message>
    <message>
        <source>not printed yet</source>
        <translation>아직 인쇄하지 않음</translation>
    </message>
    <message>
        <source>printed once</source>
        <translation>1회 인쇄됨</translation>
    </message>
    <message>
        <source>printed {count} times</source>
        <translation>{count}회 인쇄됨</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>쪽</translation>
    </message>
    <message>
        <source>Pa&amp;ge:</source>
        <translation>쪽(&amp;G):</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>축소(&amp;O)</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>확대(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Fit width</source>
        <translation>너비에 맞춤(&amp;F)</translation>
    </message>
    <message>
        <source>of {count}</source>
        <translation>/ {count}</translation>
    </message>
    <message>
        <source>&amp;Print…</source>
        <translation>인쇄(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Save a copy…</source>
        <translation>사본 저장(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>닫기(&amp;C)</translation>
    </message>
    <message>
        <source>{pages} · revision {revision} · SHA-256 {sha}… · {printed}</source>
        <translation>{pages} · 개정 {revision} · SHA-256 {sha}… · {printed}</translation>
    </message>
    <message>
        <source>Not printed</source>
        <translation>인쇄하지 못했습니다</translation>
    </message>
    <message>
        <source>Save a copy of the form</source>
        <translation>서류 사본 저장</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>저장하지 못했습니다</translation>
    </message>
    <message>
        <source>Saved a copy of the form to {path}.</source>
        <translation>서류 사본을 {path}에 저장했습니다.</translation>
    </message>
</context>
<context>
    <name>PdfPrinting</name>
    <message>
        <source>The printer refused to start a new page.</source>
        <translation>프린터가 새 쪽을 시작하지 못했습니다.</translation>
    </message>
    <message>
        <source>The printer could not be opened.</source>
        <translation>프린터를 열 수 없습니다.</translation>
    </message>
</context>
<context>
    <name>PrintableFormsModel</name>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Compound</source>
        <translation>수용동</translation>
    </message>
    <message>
        <source>Interviewer</source>
        <translation>면담관</translation>
    </message>
    <message>
        <source>Finalised</source>
        <translation>확정일시</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>종류</translation>
    </message>
    <message>
        <source>Printed</source>
        <translation>인쇄</translation>
    </message>
</context>
<context>
    <name>ProtocolWording</name>
    <message>
        <source>Not completed: {reason}</source>
        <translation>미완료: {reason}</translation>
    </message>
    <message>
        <source>Not completed</source>
        <translation>미완료</translation>
    </message>
</context>
<context>
    <name>QuestionWidget</name>
    <message>
        <source>(optional)</source>
        <translation>(선택 사항)</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>Thumbprint (on the paper form)</source>
        <translation>손도장(종이 서류에)</translation>
    </message>
    <message>
        <source>Signed on paper</source>
        <translation>종이에 서명함</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>서명함</translation>
    </message>
    <message>
        <source>Review and finalise</source>
        <translation>검토 및 확정</translation>
    </message>
    <message>
        <source>No choice has been recorded.</source>
        <translation>기록된 선택이 없습니다.</translation>
    </message>
    <message>
        <source>Not ready to finalise:</source>
        <translation>아직 확정할 수 없습니다:</translation>
    </message>
    <message>
        <source>Flags for the supervisor:</source>
        <translation>감독관 확인 필요 표시:</translation>
    </message>
</context>
<context>
    <name>ReviewQueueDialog</name>
    <message>
        <source>Review queue</source>
        <translation>검토 대기열</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>모든 상태</translation>
    </message>
    <message>
        <source>All outcomes</source>
        <translation>모든 결과</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>Not completed</source>
        <translation>미완료</translation>
    </message>
    <message>
        <source>Fla&amp;gged only</source>
        <translation>표시된 것만(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;State</source>
        <translation>상태(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Interviewer</source>
        <translation>면담관(&amp;I)</translation>
    </message>
    <message>
        <source>In&amp;terpreter</source>
        <translation>통역인(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Compound</source>
        <translation>수용동(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Day</source>
        <translation>날짜(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Outcome</source>
        <translation>결과(&amp;O)</translation>
    </message>
    <message>
        <source>Interviews in the queue</source>
        <translation>검토 대기열의 면담</translation>
    </message>
    <message>
        <source>&amp;Approve…</source>
        <translation>승인(&amp;A)…</translation>
    </message>
    <message>
        <source>Send &amp;back…</source>
        <translation>반송(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Reject…</source>
        <translation>기각(&amp;R)…</translation>
    </message>
    <message>
        <source>Show &amp;form</source>
        <translation>서류 보기(&amp;F)</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>처리 결과</translation>
    </message>
    <message>
        <source>Computing the flags…</source>
        <translation>표시 사항을 계산하고 있습니다…</translation>
    </message>
    <message>
        <source>Flags as computed at {time} (records or prints since then: {changes}); they are being computed again.</source>
        <translation>{time}에 계산한 표시 사항입니다(그 뒤의 기록 또는 인쇄: {changes}건). 다시 계산하고 있습니다.</translation>
    </message>
    <message>
        <source>All interviewers</source>
        <translation>모든 면담관</translation>
    </message>
    <message>
        <source>All compounds</source>
        <translation>모든 수용동</translation>
    </message>
    <message>
        <source>Any day</source>
        <translation>모든 날짜</translation>
    </message>
    <message>
        <source>All interpreters</source>
        <translation>모든 통역인</translation>
    </message>
    <message>
        <source>Interviews: {count}</source>
        <translation>면담: {count}건</translation>
    </message>
    <message>
        <source>Flags could not be computed: {reason}</source>
        <translation>표시를 계산하지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>Part of a pattern: {flag}</source>
        <translation>경향의 일부: {flag}</translation>
    </message>
    <message>
        <source>Not recorded: {reason}</source>
        <translation>기록하지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>Approved {person}; the form is countersigned.</source>
        <translation>{person}을(를) 승인했습니다. 서류에 확인 서명을 했습니다.</translation>
    </message>
    <message>
        <source>Sent {person} back to {interviewer}: {reason}</source>
        <translation>{person}을(를) {interviewer}에게 반송했습니다: {reason}</translation>
    </message>
    <message>
        <source>Rejected {person}: {reason}</source>
        <translation>{person}을(를) 기각했습니다: {reason}</translation>
    </message>
    <message>
        <source>Waiting for a decision.</source>
        <translation>결정을 기다리는 중입니다.</translation>
    </message>
    <message>
        <source>{state} by {reviewer} on {day}.</source>
        <translation>{day}에 {reviewer}이(가) {state}.</translation>
    </message>
    <message>
        <source>{state} by {reviewer}.</source>
        <translation>{reviewer}이(가) {state}.</translation>
    </message>
    <message>
        <source>{state} on {day}.</source>
        <translation>{day}에 {state}.</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>메모</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>사유</translation>
    </message>
    <message>
        <source>Comment: {comment}</source>
        <translation>의견: {comment}</translation>
    </message>
</context>
<context>
    <name>ReviewQueueModel</name>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Compound</source>
        <translation>수용동</translation>
    </message>
    <message>
        <source>Interviewer</source>
        <translation>면담관</translation>
    </message>
    <message>
        <source>Finalised</source>
        <translation>확정일시</translation>
    </message>
    <message>
        <source>Choice / outcome</source>
        <translation>선택 / 결과</translation>
    </message>
    <message>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>표시</translation>
    </message>
    <message>
        <source>Reason / note</source>
        <translation>사유 / 메모</translation>
    </message>
</context>
<context>
    <name>ReviewStates</name>
    <message>
        <source>Received</source>
        <translation>접수</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>승인</translation>
    </message>
    <message>
        <source>Sent back</source>
        <translation>반송</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>기각</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>admin</source>
        <translation>관리자</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>감독관</translation>
    </message>
    <message>
        <source>interviewer</source>
        <translation>면담관</translation>
    </message>
</context>
<context>
    <name>RosterTableModel</name>
    <message>
        <source>Not interviewed</source>
        <translation>면담 안 함</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>초안</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>Not completed</source>
        <translation>미완료</translation>
    </message>
    <message>
        <source>Sent back</source>
        <translation>반송</translation>
    </message>
    <message>
        <source>{status} · draft open</source>
        <translation>{status} · 초안 열림</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Romanised</source>
        <translation>로마자 표기</translation>
    </message>
    <message>
        <source>Nationality</source>
        <translation>국적</translation>
    </message>
    <message>
        <source>Compound</source>
        <translation>수용동</translation>
    </message>
    <message>
        <source>Interview</source>
        <translation>면담</translation>
    </message>
</context>
<context>
    <name>SecondInterviewDialog</name>
    <message>
        <source>&amp;Re-interview: the earlier interview was sent back or is in doubt</source>
        <translation>재면담(&amp;R): 이전 면담이 반송되었거나 의문이 있음</translation>
    </message>
    <message>
        <source>&amp;Withdrawal: the person wishes to withdraw the choice recorded</source>
        <translation>철회(&amp;W): 본인이 기록된 선택을 철회하려 함</translation>
    </message>
    <message>
        <source>Re&amp;confirmation: the person is asked again before departure</source>
        <translation>재확인(&amp;C): 출발 전에 본인에게 다시 물음</translation>
    </message>
    <message>
        <source>I opened the &amp;wrong person: start nothing</source>
        <translation>다른 사람을 잘못 열었음(&amp;W): 아무것도 시작하지 않음</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>완료됨</translation>
    </message>
    <message>
        <source>ended without a choice</source>
        <translation>선택 없이 종료됨</translation>
    </message>
    <message>
        <source>sent back by a supervisor</source>
        <translation>감독관이 반송함</translation>
    </message>
    <message>
        <source>Interview again?</source>
        <translation>다시 면담하겠습니까?</translation>
    </message>
    <message>
        <source>finalised</source>
        <translation>확정됨</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt; ({isn}) already has a finalised interview ({status}, {day}). A new interview is linked to it and does not change it.&lt;br&gt;&lt;br&gt;Why interview this person again?</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt;({isn})에게는 이미 확정된 면담이 있습니다({status}, {day}). 새 면담은 이 면담과 연결되며 이 면담을 바꾸지 않습니다.&lt;br&gt;&lt;br&gt;이 사람을 다시 면담하는 이유는 무엇입니까?</translation>
    </message>
    <message>
        <source>Start the interview</source>
        <translation>면담 시작</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <source>Choose why, or Cancel.</source>
        <translation>이유를 고르거나 취소하십시오.</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Locked</source>
        <translation>잠김</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>로그인</translation>
    </message>
    <message>
        <source>DEMO</source>
        <translation>시연용</translation>
    </message>
    <message>
        <source>The session of &lt;b&gt;{name}&lt;/b&gt; is locked. Enter the password to continue; the work is kept.</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt;의 세션이 잠겼습니다. 계속하려면 비밀번호를 입력하십시오. 작업 내용은 보존됩니다.</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>사용자 이름</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>비밀번호</translation>
    </message>
    <message>
        <source>&amp;User name</source>
        <translation>사용자 이름(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>비밀번호(&amp;P)</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>잠금 해제</translation>
    </message>
    <message>
        <source>Switch user</source>
        <translation>사용자 전환</translation>
    </message>
    <message>
        <source>Another person signs in; the locked session&apos;s work stays saved for its own account.</source>
        <translation>다른 사람이 로그인합니다. 잠긴 세션의 작업은 해당 계정에 저장된 채로 남습니다.</translation>
    </message>
    <message>
        <source>You can try again now.</source>
        <translation>이제 다시 시도할 수 있습니다.</translation>
    </message>
</context>
<context>
    <name>SignatureField</name>
    <message>
        <source>A thumbprint box will be printed on the form; the print is taken on paper.</source>
        <translation>서류에 손도장 칸이 인쇄됩니다. 손도장은 종이에 찍습니다.</translation>
    </message>
    <message>
        <source>Type the name of the person signing.</source>
        <translation>서명하는 사람의 이름을 입력하십시오.</translation>
    </message>
    <message>
        <source>Full name as the signer writes it</source>
        <translation>서명자가 쓰는 대로의 성명</translation>
    </message>
    <message>
        <source>Name of the signer: {title}</source>
        <translation>서명자 이름: {title}</translation>
    </message>
    <message>
        <source>Signer&apos;s na&amp;me:</source>
        <translation>서명자 이름(&amp;M):</translation>
    </message>
    <message>
        <source>Signature pad: {title}</source>
        <translation>서명판: {title}</translation>
    </message>
    <message>
        <source>&amp;Clear</source>
        <translation>지우기(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Undo stroke</source>
        <translation>획 취소(&amp;U)</translation>
    </message>
    <message>
        <source>T&amp;humbprint instead (cannot write)</source>
        <translation>서명 대신 손도장(&amp;H) (글을 쓸 수 없음)</translation>
    </message>
</context>
<context>
    <name>SignaturePad</name>
    <message>
        <source>The pad is empty; ask the person to sign.</source>
        <translation>서명판이 비어 있습니다. 본인에게 서명을 요청하십시오.</translation>
    </message>
    <message>
        <source>The signature is too small to be a signature; clear the pad and sign again.</source>
        <translation>서명으로 보기에는 너무 작습니다. 서명판을 지우고 다시 서명하십시오.</translation>
    </message>
    <message>
        <source>The saved signature is not a list of strokes.</source>
        <translation>저장된 서명이 획의 목록이 아닙니다.</translation>
    </message>
    <message>
        <source>Stroke {number} of the saved signature is not a list of points.</source>
        <translation>저장된 서명의 {number}번째 획이 점의 목록이 아닙니다.</translation>
    </message>
    <message>
        <source>Point {point} of stroke {stroke} of the saved signature is not (x, y, pressure) with numbers from 0 to 1.</source>
        <translation>저장된 서명의 {stroke}번째 획의 {point}번째 점이 0에서 1 사이의 수로 된 (x, y, 압력)이 아닙니다.</translation>
    </message>
    <message>
        <source>Signature pad</source>
        <translation>서명판</translation>
    </message>
    <message>
        <source>Sign here</source>
        <translation>여기에 서명</translation>
    </message>
    <message>
        <source>1 stroke drawn.</source>
        <translation>1획을 그렸습니다.</translation>
    </message>
    <message>
        <source>{count} strokes drawn.</source>
        <translation>{count}획을 그렸습니다.</translation>
    </message>
    <message>
        <source>Empty.</source>
        <translation>비어 있음.</translation>
    </message>
    <message>
        <source>Sign with the mouse, a pen or a finger; Delete clears, Ctrl+Z undoes the last stroke.</source>
        <translation>마우스, 펜 또는 손가락으로 서명하십시오. Delete 키는 모두 지우고, Ctrl+Z는 마지막 획을 취소합니다.</translation>
    </message>
</context>
<context>
    <name>SignatureQuestion</name>
    <message>
        <source>Accept si&amp;gnature</source>
        <translation>서명 수락(&amp;G)</translation>
    </message>
    <message>
        <source>signed</source>
        <translation>서명함</translation>
    </message>
    <message>
        <source>thumbprint to be taken on the form</source>
        <translation>서류에 손도장을 받을 예정</translation>
    </message>
    <message>
        <source>signed on paper</source>
        <translation>종이에 서명함</translation>
    </message>
    <message>
        <source>✓ Recorded: {how}.</source>
        <translation>✓ 기록됨: {how}.</translation>
    </message>
    <message>
        <source>Sign a&amp;gain</source>
        <translation>다시 서명(&amp;G)</translation>
    </message>
    <message>
        <source>Sign on the pad, then accept the new signature.</source>
        <translation>서명판에 서명한 다음 새 서명을 수락하십시오.</translation>
    </message>
</context>
<context>
    <name>StepPage</name>
    <message>
        <source>Read this aloud</source>
        <translation>소리 내어 읽으십시오</translation>
    </message>
    <message>
        <source>Read the declaration aloud; the person signs under it:</source>
        <translation>선언문을 소리 내어 읽으십시오. 본인은 그 아래에 서명합니다:</translation>
    </message>
    <message>
        <source>The declaration appears once the choice is confirmed.</source>
        <translation>선택이 확인되면 선언문이 나타납니다.</translation>
    </message>
    <message>
        <source>Read the recorded answer aloud:</source>
        <translation>기록된 답변을 소리 내어 읽으십시오:</translation>
    </message>
    <message>
        <source>No answer has been recorded yet.</source>
        <translation>아직 기록된 답변이 없습니다.</translation>
    </message>
</context>
<context>
    <name>SubjectDetails</name>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>Romanised</source>
        <translation>로마자 표기</translation>
    </message>
    <message>
        <source>Nationality</source>
        <translation>국적</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>계급</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>소속 부대</translation>
    </message>
    <message>
        <source>Camp</source>
        <translation>수용소</translation>
    </message>
    <message>
        <source>Compound</source>
        <translation>수용동</translation>
    </message>
    <message>
        <source>Born</source>
        <translation>출생 연도</translation>
    </message>
    <message>
        <source>Select a person in the roster.</source>
        <translation>명부에서 사람을 선택하십시오.</translation>
    </message>
</context>
<context>
    <name>SubjectPanel</name>
    <message>
        <source>Interviews</source>
        <translation>면담</translation>
    </message>
    <message>
        <source>Interview history</source>
        <translation>면담 이력</translation>
    </message>
    <message>
        <source>&amp;Start interview</source>
        <translation>면담 시작(&amp;S)</translation>
    </message>
    <message>
        <source>Show &amp;form</source>
        <translation>서류 보기(&amp;F)</translation>
    </message>
    <message>
        <source>paper</source>
        <translation>종이</translation>
    </message>
</context>
<context>
    <name>SyncDialog</name>
    <message>
        <source>nothing: headquarters holds everything</source>
        <translation>없음: 본부가 모두 받았습니다</translation>
    </message>
    <message>
        <source>Sync with headquarters</source>
        <translation>본부와 동기화</translation>
    </message>
    <message>
        <source>Headquarters:</source>
        <translation>본부:</translation>
    </message>
    <message>
        <source>Not yet acknowledged:</source>
        <translation>아직 수신 확인되지 않음:</translation>
    </message>
    <message>
        <source>Last sync:</source>
        <translation>마지막 동기화:</translation>
    </message>
    <message>
        <source>Certificate:</source>
        <translation>인증서:</translation>
    </message>
    <message>
        <source>Archive:</source>
        <translation>보관:</translation>
    </message>
    <message>
        <source>Headquarters address</source>
        <translation>본부 주소</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>주소(&amp;A):</translation>
    </message>
    <message>
        <source>&amp;Push over the link</source>
        <translation>통신망으로 전송(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Export to a folder or stick…</source>
        <translation>폴더 또는 USB 메모리로 내보내기(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Apply a bundle from headquarters…</source>
        <translation>본부에서 온 묶음 파일 적용(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Headquarters file…</source>
        <translation>본부 파일(&amp;H)…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
    <message>
        <source>not set: an admin installs headquarters-public.json</source>
        <translation>설정되지 않음: 관리자가 headquarters-public.json을 설치합니다</translation>
    </message>
    <message>
        <source>counting…</source>
        <translation>세는 중…</translation>
    </message>
    <message>
        <source>exported {exported}, acknowledged {acknowledged}</source>
        <translation>내보냄 {exported}, 수신 확인 {acknowledged}</translation>
    </message>
    <message>
        <source>valid until {date}</source>
        <translation>{date}까지 유효</translation>
    </message>
    <message>
        <source>{count} forms stamped at headquarters (kept verifiable for the long term)</source>
        <translation>본부에서 타임스탬프를 받은 서식 {count}건(장기간 검증 가능하게 보관됨)</translation>
    </message>
    <message>
        <source>Type the address of headquarters first.</source>
        <translation>먼저 본부 주소를 입력하십시오.</translation>
    </message>
    <message>
        <source>Sent {sent} Headquarters answered: {answer}</source>
        <translation>보냄: {sent} 본부의 응답: {answer}</translation>
    </message>
    <message>
        <source>Sending to headquarters…</source>
        <translation>본부로 보내는 중…</translation>
    </message>
    <message>
        <source>Export the bundle to</source>
        <translation>묶음 파일을 내보낼 위치</translation>
    </message>
    <message>
        <source>Wrote {bundle} Carry it to headquarters and apply the bundle they send back.</source>
        <translation>작성함: {bundle} 본부로 가져가서, 본부가 돌려보내는 묶음 파일을 적용하십시오.</translation>
    </message>
    <message>
        <source>Writing the bundle…</source>
        <translation>묶음 파일을 쓰는 중…</translation>
    </message>
    <message>
        <source>Bundle from headquarters</source>
        <translation>본부에서 온 묶음 파일</translation>
    </message>
    <message>
        <source>Bundles (*.scb)</source>
        <translation>묶음 파일 (*.scb)</translation>
    </message>
    <message>
        <source>Applying the bundle…</source>
        <translation>묶음 파일을 적용하는 중…</translation>
    </message>
    <message>
        <source>Headquarters public file</source>
        <translation>본부 공개 파일</translation>
    </message>
    <message>
        <source>Headquarters file (*.json)</source>
        <translation>본부 파일 (*.json)</translation>
    </message>
    <message>
        <source>This station now sends its records to {name}.</source>
        <translation>이 면담소는 이제 기록을 {name}(으)로 보냅니다.</translation>
    </message>
    <message>
        <source>Not done: {reason}</source>
        <translation>완료하지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>never</source>
        <translation>없음</translation>
    </message>
</context>
<context>
    <name>TextQuestion</name>
    <message>
        <source>One person per line, name and role: for example “Pak Sung-ho, interpreter” or “Observer: L. Berg (ICRC)”.</source>
        <translation>한 줄에 한 사람씩 이름과 역할을 적으십시오. 예: “Pak Sung-ho, interpreter” 또는 “Observer: L. Berg (ICRC)”.</translation>
    </message>
    <message>
        <source>interpreter</source>
        <translation>통역인</translation>
    </message>
    <message>
        <source>interpreters</source>
        <translation>통역인</translation>
    </message>
    <message>
        <source>observer</source>
        <translation>참관인</translation>
    </message>
    <message>
        <source>observers</source>
        <translation>참관인</translation>
    </message>
    <message>
        <source>Add “{name}” to the station&apos;s {kinds}</source>
        <translation>“{name}”을(를) 면담소 {kinds} 목록에 추가</translation>
    </message>
    <message>
        <source>This {kind} is not on the station&apos;s list.</source>
        <translation>이 {kind}은(는) 면담소 목록에 없습니다.</translation>
    </message>
    <message>
        <source>Added: {name} is now one of the station&apos;s {kinds}.</source>
        <translation>추가됨: 이제 {name}은(는) 면담소 {kinds} 목록에 있습니다.</translation>
    </message>
</context>
<context>
    <name>VerifyDialog</name>
    <message>
        <source>Verify a form</source>
        <translation>서류 검증</translation>
    </message>
    <message>
        <source>Open a signed PDF, or type (or scan) the record id printed in the QR code of a paper form.</source>
        <translation>서명된 PDF를 열거나, 종이 서류의 QR 코드에 인쇄된 기록 번호를 입력(또는 스캔)하십시오.</translation>
    </message>
    <message>
        <source>Record id, or the QR code&apos;s text</source>
        <translation>기록 번호 또는 QR 코드의 문자열</translation>
    </message>
    <message>
        <source>&amp;Check record</source>
        <translation>기록 확인(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Open PDF…</source>
        <translation>PDF 열기(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>닫기(&amp;C)</translation>
    </message>
    <message>
        <source>record {id}</source>
        <translation>기록 {id}</translation>
    </message>
    <message>
        <source>Open a signed form</source>
        <translation>서명된 서류 열기</translation>
    </message>
    <message>
        <source>GENUINE</source>
        <translation>진본</translation>
    </message>
    <message>
        <source>NOT VALID</source>
        <translation>유효하지 않음</translation>
    </message>
</context>
</TS>

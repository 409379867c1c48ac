<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AbandonDialog</name>
    <message>
        <source>End the interview without a choice</source>
        <translation>不作选择结束面谈</translation>
    </message>
    <message>
        <source>The record will say the interview stopped at &lt;b&gt;{step}&lt;/b&gt;. Why?</source>
        <translation>记录将注明面谈在&lt;b&gt;{step}&lt;/b&gt;处中止。原因是什么？</translation>
    </message>
    <message>
        <source>&amp;Note (optional):</source>
        <translation>备注(&amp;N)（可选）：</translation>
    </message>
    <message>
        <source>End interview</source>
        <translation>结束面谈</translation>
    </message>
</context>
<context>
    <name>AccountsDialog</name>
    <message>
        <source>At least {count} characters; not the user name, not digits only, not a common password. A few words are easy to remember.</source>
        <translation>至少 {count} 个字符；不能是用户名，不能全是数字，也不能是常见密码。用几个词组成更容易记住。</translation>
    </message>
    <message>
        <source>The display name is what people read on forms, flags and lists (full name and rank, such as &apos;Capt. R. Hughes&apos;); without one, the user name is shown.</source>
        <translation>显示名称是表格、标记和名单上显示的名字（全名和军衔，例如“Capt. R. Hughes”）；未设置时显示用户名。</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>显示名称</translation>
    </message>
    <message>
        <source>Full name and rank, such as Capt. R. Hughes</source>
        <translation>全名和军衔，例如 Capt. R. Hughes</translation>
    </message>
    <message>
        <source>The two new passwords differ.</source>
        <translation>两次输入的新密码不一致。</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>账户</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>添加(&amp;A)…</translation>
    </message>
    <message>
        <source>Display &amp;name…</source>
        <translation>显示名称(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Disable</source>
        <translation>停用(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Enable…</source>
        <translation>启用(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Reset password…</source>
        <translation>重设密码(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>关闭(&amp;C)</translation>
    </message>
    <message>
        <source>Account &apos;{name}&apos; (shown as &apos;{shown}&apos;) added with role {role}.</source>
        <translation>已添加账户“{name}”（显示为“{shown}”），角色为{role}。</translation>
    </message>
    <message>
        <source>Account &apos;{name}&apos; added with role {role}.</source>
        <translation>已添加账户“{name}”，角色为{role}。</translation>
    </message>
    <message>
        <source>Account &apos;{name}&apos; is now shown as &apos;{shown}&apos;.</source>
        <translation>账户“{name}”现显示为“{shown}”。</translation>
    </message>
    <message>
        <source>Account &apos;{name}&apos; has no display name now; its user name is shown.</source>
        <translation>账户“{name}”现已没有显示名称，将显示其用户名。</translation>
    </message>
    <message>
        <source>Disable the account</source>
        <translation>停用账户</translation>
    </message>
    <message>
        <source>Disable &apos;{name}&apos;? The account can no longer sign in nor unlock the station key. Its records stay; an admin can enable it again with a new password.</source>
        <translation>停用“{name}”？该账户将无法再登录，也无法解锁面谈站密钥。其记录仍会保留；管理员可以用新密码重新启用。</translation>
    </message>
    <message>
        <source>Account &apos;{name}&apos; disabled.</source>
        <translation>已停用账户“{name}”。</translation>
    </message>
    <message>
        <source>Enable {name}</source>
        <translation>启用 {name}</translation>
    </message>
    <message>
        <source>Enabling &apos;{name}&apos; needs a new password: tell it to them in person.</source>
        <translation>启用“{name}”需要设置新密码：请当面告知本人。</translation>
    </message>
    <message>
        <source>Account &apos;{name}&apos; enabled with its new password.</source>
        <translation>已用新密码启用账户“{name}”。</translation>
    </message>
    <message>
        <source>Reset the password of {name}</source>
        <translation>重设 {name} 的密码</translation>
    </message>
    <message>
        <source>A new password for &apos;{name}&apos;, who has forgotten theirs: tell it to them in person. Their personal signing key, if they have one, is lost with the old password.</source>
        <translation>为忘记密码的“{name}”设置新密码：请当面告知本人。其个人签名密钥（如有）将随旧密码一起失效。</translation>
    </message>
    <message>
        <source>The password of &apos;{name}&apos; is reset.</source>
        <translation>已重设“{name}”的密码。</translation>
    </message>
</context>
<context>
    <name>AccountsTableModel</name>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Created (UTC)</source>
        <translation>创建时间（UTC）</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>显示名称</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>enabled</source>
        <translation>已启用</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Demo accounts (demo only):</source>
        <translation>演示账户（仅限演示）：</translation>
    </message>
    <message>
        <source>Cannot open the station</source>
        <translation>无法打开面谈站</translation>
    </message>
</context>
<context>
    <name>BatchPrintDialog</name>
    <message>
        <source>Choice form</source>
        <translation>选择记录表</translation>
    </message>
    <message>
        <source>Non-completion</source>
        <translation>未完成记录</translation>
    </message>
    <message>
        <source>Choice forms and non-completion records</source>
        <translation>选择记录表和未完成记录</translation>
    </message>
    <message>
        <source>Choice forms only</source>
        <translation>仅选择记录表</translation>
    </message>
    <message>
        <source>Non-completion records only</source>
        <translation>仅未完成记录</translation>
    </message>
    <message>
        <source>All compounds</source>
        <translation>所有营区</translation>
    </message>
    <message>
        <source>nothing was printed or counted.</source>
        <translation>没有打印或计数任何表格。</translation>
    </message>
    <message>
        <source>1 form was printed and counted.</source>
        <translation>已打印并计数 1 份表格。</translation>
    </message>
    <message>
        <source>{forms} were printed and counted.</source>
        <translation>已打印并计数 {forms}。</translation>
    </message>
    <message>
        <source>Stopped after {done} of {total}: {problem} {counted}</source>
        <translation>在 {total} 份中的第 {done} 份后停止：{problem} {counted}</translation>
    </message>
    <message>
        <source>Cancelled after {done} of {total}: {counted}</source>
        <translation>在 {total} 份中的第 {done} 份后取消：{counted}</translation>
    </message>
    <message>
        <source>1 page</source>
        <translation>1 页</translation>
    </message>
    <message>
        <source>{count} pages</source>
        <translation>{count} 页</translation>
    </message>
    <message>
        <source>Printed {forms} ({pages}).</source>
        <translation>已打印 {forms}（{pages}）。</translation>
    </message>
    <message>
        <source>1 form</source>
        <translation>1 份表格</translation>
    </message>
    <message>
        <source>{count} forms</source>
        <translation>{count} 份表格</translation>
    </message>
    <message>
        <source>Printing {number} of {total}: {isn}</source>
        <translation>正在打印第 {number} 份，共 {total} 份：{isn}</translation>
    </message>
    <message>
        <source>the stored form of {isn} could not be read as a PDF.</source>
        <translation>无法将 {isn} 的已保存表格读取为 PDF。</translation>
    </message>
    <message>
        <source>The printer could not be opened.</source>
        <translation>无法打开打印机。</translation>
    </message>
    <message>
        <source>Print forms</source>
        <translation>打印表格</translation>
    </message>
    <message>
        <source>Compound</source>
        <translation>营区</translation>
    </message>
    <message>
        <source>Finalised on</source>
        <translation>定稿日期</translation>
    </message>
    <message>
        <source>Any &amp;day</source>
        <translation>任意日期(&amp;D)</translation>
    </message>
    <message>
        <source>Kind of form</source>
        <translation>表格类型</translation>
    </message>
    <message>
        <source>&amp;Compound:</source>
        <translation>营区(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Finalised on:</source>
        <translation>定稿日期(&amp;F)：</translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation>类型(&amp;K)：</translation>
    </message>
    <message>
        <source>Select &amp;all</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <source>Select &amp;none</source>
        <translation>全不选(&amp;N)</translation>
    </message>
    <message>
        <source>All forms go to the printer as one job. Every print is counted: a form&apos;s first print, before or after approval, is its original, and later prints carry a “COPY n” mark.</source>
        <translation>所有表格作为一个打印任务发送到打印机。每次打印都会计数：表格的第一次打印（无论在批准之前或之后）为原件，之后的打印件带有“COPY n”标记。</translation>
    </message>
    <message>
        <source>&amp;Print…</source>
        <translation>打印(&amp;P)…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>{checked} of {forms} selected</source>
        <translation>已选 {checked} 份，共 {forms}</translation>
    </message>
    <message>
        <source>Preparing to print {forms}…</source>
        <translation>正在准备打印 {forms}…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Printing forms</source>
        <translation>正在打印表格</translation>
    </message>
    <message>
        <source>Printing {forms}…</source>
        <translation>正在打印 {forms}…</translation>
    </message>
    <message>
        <source>Cancelling: the form being printed is finished first…</source>
        <translation>正在取消：正在打印的表格会先打印完…</translation>
    </message>
    <message>
        <source>Printing failed: {reason} The “Printed” column shows what was counted.</source>
        <translation>打印失败：{reason}“已打印”一栏显示已计数的打印。</translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <source>Change my password</source>
        <translation>修改我的密码</translation>
    </message>
    <message>
        <source>Account &lt;b&gt;{name}&lt;/b&gt; ({role})</source>
        <translation>账户 &lt;b&gt;{name}&lt;/b&gt;（{role}）</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>当前密码</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>Repeat the new password</source>
        <translation>再次输入新密码</translation>
    </message>
    <message>
        <source>&amp;Current password</source>
        <translation>当前密码(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;New password</source>
        <translation>新密码(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Repeat it</source>
        <translation>再次输入(&amp;R)</translation>
    </message>
    <message>
        <source>Change password</source>
        <translation>修改密码</translation>
    </message>
</context>
<context>
    <name>DashboardDialog</name>
    <message>
        <source>Dashboard — {camp}</source>
        <translation>统计面板 — {camp}</translation>
    </message>
    <message>
        <source>Legend of the charts</source>
        <translation>图表图例</translation>
    </message>
    <message>
        <source>Export &amp;CSV…</source>
        <translation>导出 CSV(&amp;C)…</translation>
    </message>
    <message>
        <source>Export &amp;XLSX…</source>
        <translation>导出 XLSX(&amp;X)…</translation>
    </message>
    <message>
        <source>Export revised &amp;lists…</source>
        <translation>导出修订名单(&amp;L)…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Roster &lt;b&gt;{roster}&lt;/b&gt; · screened &lt;b&gt;{screened}&lt;/b&gt; · not completed &lt;b&gt;{not_completed}&lt;/b&gt; ({reasons}) · not yet &lt;b&gt;{not_yet}&lt;/b&gt;</source>
        <translation>名册 &lt;b&gt;{roster}&lt;/b&gt; 人 · 已甄别 &lt;b&gt;{screened}&lt;/b&gt; 人 · 未完成 &lt;b&gt;{not_completed}&lt;/b&gt; 人（{reasons}）· 尚未面谈 &lt;b&gt;{not_yet}&lt;/b&gt; 人</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Outcomes by compound</source>
        <translation>各营区结果</translation>
    </message>
    <message>
        <source>Outcomes by day</source>
        <translation>每日结果</translation>
    </message>
    <message>
        <source>Interviewer</source>
        <translation>面谈人员</translation>
    </message>
    <message>
        <source>Export the figures</source>
        <translation>导出统计数字</translation>
    </message>
    <message>
        <source>Not exported</source>
        <translation>未导出</translation>
    </message>
    <message>
        <source>Export the revised lists to</source>
        <translation>将修订名单导出到</translation>
    </message>
    <message>
        <source>1 file</source>
        <translation>1 个文件</translation>
    </message>
    <message>
        <source>{count} files</source>
        <translation>{count} 个文件</translation>
    </message>
    <message>
        <source>Revised lists</source>
        <translation>修订名单</translation>
    </message>
    <message>
        <source>Wrote {files} to {folder}; the PDF is signed.</source>
        <translation>已将 {files} 写入 {folder}；PDF 已签名。</translation>
    </message>
    <message>
        <source>Not completed</source>
        <translation>未完成</translation>
    </message>
</context>
<context>
    <name>DecisionDialog</name>
    <message>
        <source>Approve</source>
        <translation>批准</translation>
    </message>
    <message>
        <source>&amp;Approve and countersign</source>
        <translation>批准并会签(&amp;A)</translation>
    </message>
    <message>
        <source>Send back</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>&amp;Send back</source>
        <translation>退回(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Reason (the interviewer will see it):</source>
        <translation>理由(&amp;R)（面谈人员会看到）：</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>驳回</translation>
    </message>
    <message>
        <source>&amp;Reject</source>
        <translation>驳回(&amp;R)</translation>
    </message>
    <message>
        <source>{decision}: {person}</source>
        <translation>{decision}：{person}</translation>
    </message>
    <message>
        <source>&amp;Note: why is it approved despite the flags? (required, kept with the review)</source>
        <translation>备注(&amp;N)：尽管有标记仍予批准的理由？（必填，随审核记录保存）</translation>
    </message>
    <message>
        <source>&amp;Note (optional):</source>
        <translation>备注(&amp;N)（可选）：</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Approved despite: …</source>
        <translation>尽管存在以下情况仍批准：…</translation>
    </message>
    <message>
        <source>Write why it is approved despite the flags; the note is kept with the review.</source>
        <translation>请写明尽管有标记仍予批准的理由；备注将随审核记录保存。</translation>
    </message>
    <message>
        <source>Write the reason; the interviewer will read it.</source>
        <translation>请写明理由；面谈人员会看到。</translation>
    </message>
    <message>
        <source>Approve the interview of {person}?</source>
        <translation>批准对 {person} 的面谈？</translation>
    </message>
    <message>
        <source>Send back the interview of {person}?</source>
        <translation>退回对 {person} 的面谈？</translation>
    </message>
    <message>
        <source>Reject the interview of {person}?</source>
        <translation>驳回对 {person} 的面谈？</translation>
    </message>
    <message>
        <source>{outcome} · interviewer {interviewer} · finalised {day}</source>
        <translation>{outcome} · 面谈人员 {interviewer} · 定稿于 {day}</translation>
    </message>
    <message>
        <source>Approving countersigns the stored form with your key; a decision is final.</source>
        <translation>批准将用您的密钥会签已保存的表格；决定一经作出即为最终决定。</translation>
    </message>
    <message>
        <source>{interviewer} will interview again, as a new interview linked to this one.</source>
        <translation>{interviewer} 将重新面谈，作为与本次面谈关联的新面谈。</translation>
    </message>
    <message>
        <source>{interviewer} will read the reason; a decision is final.</source>
        <translation>{interviewer} 会看到理由；决定一经作出即为最终决定。</translation>
    </message>
    <message>
        <source>This record has no flags.</source>
        <translation>此记录没有标记。</translation>
    </message>
    <message>
        <source>Flags on this record:</source>
        <translation>此记录的标记：</translation>
    </message>
</context>
<context>
    <name>DisplayNameDialog</name>
    <message>
        <source>Display name of {name}</source>
        <translation>{name} 的显示名称</translation>
    </message>
    <message>
        <source>&amp;Display name</source>
        <translation>显示名称(&amp;D)</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Records keep the user name &apos;{name}&apos;; leave the field empty to show it again.</source>
        <translation>记录中保留用户名“{name}”；留空此栏即可重新显示用户名。</translation>
    </message>
</context>
<context>
    <name>Failures</name>
    <message>
        <source>Unexpected failure</source>
        <translation>意外故障</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Set up this station</source>
        <translation>设置本面谈站</translation>
    </message>
    <message>
        <source>There is no station in &lt;b&gt;{folder}&lt;/b&gt; yet.</source>
        <translation>&lt;b&gt;{folder}&lt;/b&gt; 中还没有面谈站。</translation>
    </message>
    <message>
        <source>Station &amp;id</source>
        <translation>面谈站编号(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Camp</source>
        <translation>战俘营(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Admin name</source>
        <translation>管理员名称(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Repeat</source>
        <translation>再次输入(&amp;R)</translation>
    </message>
    <message>
        <source>Create &amp;station</source>
        <translation>创建面谈站(&amp;S)</translation>
    </message>
    <message>
        <source>Open the &amp;demo station</source>
        <translation>打开演示面谈站(&amp;D)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>InterviewWizard</name>
    <message>
        <source>(transcribed)</source>
        <translation>（转录）</translation>
    </message>
    <message>
        <source>Show the texts in this language (the interview&apos;s own language is recorded at the language step)</source>
        <translation>以此语言显示文本（面谈所用语言在语言步骤中记录）</translation>
    </message>
    <message>
        <source>&amp;End interview…</source>
        <translation>结束面谈(&amp;E)…</translation>
    </message>
    <message>
        <source>Wrong person: &amp;discard…</source>
        <translation>人员有误：作废(&amp;D)…</translation>
    </message>
    <message>
        <source>Set this draft aside because it was opened for the wrong person (only before anything beyond the identity check is answered)</source>
        <translation>因打开了错误人员而作废此草稿（仅限于回答身份核对之后的任何问题之前）</translation>
    </message>
    <message>
        <source>&amp;Pause (keep draft)</source>
        <translation>暂停(&amp;P)（保留草稿）</translation>
    </message>
    <message>
        <source>&amp;Back</source>
        <translation>上一步(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Next</source>
        <translation>下一步(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Finalise…</source>
        <translation>定稿(&amp;F)…</translation>
    </message>
    <message>
        <source>End the interview</source>
        <translation>结束面谈</translation>
    </message>
    <message>
        <source>End the interview here: {reason}? The record is sealed as not completed.</source>
        <translation>在此结束面谈：{reason}？记录将作为未完成封存。</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <source>Step {number} of {count}</source>
        <translation>第 {number} 步，共 {count} 步</translation>
    </message>
    <message>
        <source>&amp;Next: end interview</source>
        <translation>下一步(&amp;N)：结束面谈</translation>
    </message>
    <message>
        <source>This answer means the interview cannot go on ({reason}). Next ends it with that reason; change the answer if it was a mistake.</source>
        <translation>根据此回答，面谈无法继续（{reason}）。点击“下一步”将以此理由结束面谈；如属误答，请更改回答。</translation>
    </message>
    <message>
        <source>Still to answer: {questions}</source>
        <translation>尚待回答：{questions}</translation>
    </message>
    <message>
        <source>Still to answer: {count} questions on this page, the first “{first}”.</source>
        <translation>本页尚有 {count} 个问题待回答，第一个为“{first}”。</translation>
    </message>
    <message>
        <source>Finalise the interview</source>
        <translation>面谈定稿</translation>
    </message>
    <message>
        <source>Finalise this interview? The record is sealed and cannot be changed afterwards; a correction is a new interview linked to it.</source>
        <translation>确定此面谈定稿？记录将被封存，之后不能更改；如需更正，须进行一次与之关联的新面谈。</translation>
    </message>
    <message>
        <source>Discard this draft</source>
        <translation>作废此草稿</translation>
    </message>
    <message>
        <source>Discard the interview of {name} ({isn})? The draft is kept in the history as discarded, with your name.
Why:</source>
        <translation>作废对 {name}（{isn}）的面谈？该草稿将以作废状态连同您的姓名保留在历史中。
原因：</translation>
    </message>
    <message>
        <source>Opened for the wrong person</source>
        <translation>打开了错误的人员</translation>
    </message>
    <message>
        <source>Not finalised</source>
        <translation>未能定稿</translation>
    </message>
</context>
<context>
    <name>KnownPeopleDialog</name>
    <message>
        <source>Interpreters and observers</source>
        <translation>翻译和观察员</translation>
    </message>
    <message>
        <source>The interview offers these names as the interviewer types, so that each person is written the same way in every record.</source>
        <translation>面谈人员输入时会提示这些姓名，使每个人在所有记录中的写法一致。</translation>
    </message>
    <message>
        <source>&amp;Name (romanised)</source>
        <translation>姓名(&amp;N)（拉丁字母拼写）</translation>
    </message>
    <message>
        <source>Name in &amp;native script</source>
        <translation>原文姓名(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Languages</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Body represented (observers)</source>
        <translation>所代表机构(&amp;B)（观察员）</translation>
    </message>
    <message>
        <source>&amp;Add as new</source>
        <translation>作为新条目添加(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Save changes</source>
        <translation>保存修改(&amp;S)</translation>
    </message>
    <message>
        <source>Correct the selected person&apos;s entry; records that name them keep the name they were written with</source>
        <translation>更正所选人员的条目；提及此人的记录保留当时写入的姓名</translation>
    </message>
    <message>
        <source>&amp;Retire selected</source>
        <translation>停用所选条目(&amp;R)</translation>
    </message>
    <message>
        <source>No longer offer this person (records that name them keep the name)</source>
        <translation>不再提示此人（提及此人的记录保留其姓名）</translation>
    </message>
    <message>
        <source>The selected entry is the same person as</source>
        <translation>所选条目与以下人员为同一人：</translation>
    </message>
    <message>
        <source>&amp;Merge</source>
        <translation>合并(&amp;M)</translation>
    </message>
    <message>
        <source>Keep one entry for the two; the review counts the interviews of both as one person&apos;s</source>
        <translation>两个条目合并为一个；审核时将两者的面谈计为同一人的面谈</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Select the person to correct first.</source>
        <translation>请先选择要更正的人员。</translation>
    </message>
    <message>
        <source>{before} is now {after}.</source>
        <translation>{before} 现已改为 {after}。</translation>
    </message>
    <message>
        <source>Select the entry to merge, and the person it is.</source>
        <translation>请选择要合并的条目及其对应的人员。</translation>
    </message>
    <message>
        <source>Merge two entries</source>
        <translation>合并两个条目</translation>
    </message>
    <message>
        <source>{person} and {into} are one person?

The interview will offer only {into}, and the review will count the interviews that name either as this one person&apos;s. A merge cannot be undone.</source>
        <translation>{person} 与 {into} 是同一人？

面谈将只提示 {into}，审核时提及任一名字的面谈都计为此人的面谈。合并后无法撤销。</translation>
    </message>
    <message>
        <source>{person} is merged into {into}.</source>
        <translation>已将 {person} 合并到 {into}。</translation>
    </message>
    <message>
        <source>Select the person to retire first.</source>
        <translation>请先选择要停用的人员。</translation>
    </message>
    <message>
        <source>The interview no longer offers {person}.</source>
        <translation>面谈不再提示 {person}。</translation>
    </message>
    <message>
        <source>Added interpreter {person}.</source>
        <translation>已添加翻译 {person}。</translation>
    </message>
    <message>
        <source>Added observer {person}.</source>
        <translation>已添加观察员 {person}。</translation>
    </message>
    <message>
        <source>Interpreters</source>
        <translation>翻译</translation>
    </message>
    <message>
        <source>Observers</source>
        <translation>观察员</translation>
    </message>
</context>
<context>
    <name>KnownPeopleModel</name>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Native script</source>
        <translation>原文</translation>
    </message>
    <message>
        <source>Languages</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Body represented</source>
        <translation>所代表机构</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <source>The interface will be in {language} when the app next opens.</source>
        <translation>界面语言：{language}。下次打开程序时生效。</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Screening — {station} ({camp})</source>
        <translation>甄别 — {station}（{camp}）</translation>
    </message>
    <message>
        <source> — DEMO</source>
        <translation> — 演示</translation>
    </message>
    <message>
        <source>No backup has been made today: &lt;b&gt;Station &amp;gt; Back up…&lt;/b&gt; (Ctrl+Shift+B) writes an encrypted copy to a stick.</source>
        <translation>今天尚未备份：&lt;b&gt;面谈站 &amp;gt; 备份…&lt;/b&gt;（Ctrl+Shift+B）可将加密副本写入 U 盘。</translation>
    </message>
    <message>
        <source>Search by ISN or name (한글, 漢字, Latin)…</source>
        <translation>按战俘编号（ISN）或姓名搜索（한글、漢字、拉丁字母）…</translation>
    </message>
    <message>
        <source>Search the roster</source>
        <translation>搜索名册</translation>
    </message>
    <message>
        <source>&amp;Station</source>
        <translation>面谈站(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Lock</source>
        <translation>锁定(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Verify a form…</source>
        <translation>验证表格(&amp;V)…</translation>
    </message>
    <message>
        <source>Lock &amp;after…</source>
        <translation>自动锁定时间(&amp;A)…</translation>
    </message>
    <message>
        <source>A&amp;ccounts…</source>
        <translation>账户(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;Interpreters and observers…</source>
        <translation>翻译和观察员(&amp;I)…</translation>
    </message>
    <message>
        <source>Change my &amp;password…</source>
        <translation>修改我的密码(&amp;P)…</translation>
    </message>
    <message>
        <source>S&amp;ync with headquarters…</source>
        <translation>与总部同步(&amp;Y)…</translation>
    </message>
    <message>
        <source>&amp;Back up…</source>
        <translation>备份(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Interview</source>
        <translation>面谈(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Start interview with the selected person</source>
        <translation>开始与所选人员面谈(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Resume an unfinished interview…</source>
        <translation>继续未完成的面谈(&amp;R)…</translation>
    </message>
    <message>
        <source>Sent &amp;back to me…</source>
        <translation>退回给我的面谈(&amp;B)…</translation>
    </message>
    <message>
        <source>Re&amp;view queue…</source>
        <translation>审核队列(&amp;V)…</translation>
    </message>
    <message>
        <source>&amp;Dashboard…</source>
        <translation>统计面板(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Find person</source>
        <translation>查找人员(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Print forms…</source>
        <translation>打印表格(&amp;P)…</translation>
    </message>
    <message>
        <source>Signed in: {name} ({role})</source>
        <translation>已登录：{name}（{role}）</translation>
    </message>
    <message>
        <source>No one matches “{query}”.</source>
        <translation>没有与“{query}”匹配的人员。</translation>
    </message>
    <message>
        <source>The roster is empty.</source>
        <translation>名册为空。</translation>
    </message>
    <message>
        <source>Cannot start</source>
        <translation>无法开始</translation>
    </message>
    <message>
        <source>Discard the draft</source>
        <translation>作废草稿</translation>
    </message>
    <message>
        <source>The draft stays in the history as discarded, with your name. Why is it discarded?</source>
        <translation>该草稿将以作废状态连同您的姓名保留在历史中。作废的原因是什么？</translation>
    </message>
    <message>
        <source>Opened for the wrong person</source>
        <translation>打开了错误的人员</translation>
    </message>
    <message>
        <source>Not discarded</source>
        <translation>未能作废</translation>
    </message>
    <message>
        <source>The draft was discarded; it stays in the history with your name.</source>
        <translation>草稿已作废；它将连同您的姓名保留在历史中。</translation>
    </message>
    <message>
        <source>Interview {id} finalised and sealed.</source>
        <translation>面谈 {id} 已定稿并封存。</translation>
    </message>
    <message>
        <source>Stored form</source>
        <translation>已保存的表格</translation>
    </message>
    <message>
        <source>{native} {latin} ({isn}) — at “{step}”, started {started}</source>
        <translation>{native} {latin}（{isn}）— 停在“{step}”，开始于 {started}</translation>
    </message>
    <message>
        <source>Resume an unfinished interview</source>
        <translation>继续未完成的面谈</translation>
    </message>
    <message>
        <source>These interviews were not finished; every answer given was saved.
Resume one now?</source>
        <translation>以下面谈尚未完成；已作出的回答均已保存。
现在继续其中一个吗？</translation>
    </message>
    <message>
        <source>Back up the station to</source>
        <translation>将面谈站备份到</translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>正在备份…</translation>
    </message>
    <message>
        <source>Backed up to {folder} ({events} events, encrypted).</source>
        <translation>已备份到 {folder}（{events} 条事件，已加密）。</translation>
    </message>
    <message>
        <source>No backup was made: {reason}</source>
        <translation>未能备份：{reason}</translation>
    </message>
    <message>
        <source>No backup was made</source>
        <translation>未能备份</translation>
    </message>
    <message>
        <source>Your password is changed; use the new one from now on.</source>
        <translation>您的密码已修改；今后请使用新密码。</translation>
    </message>
    <message>
        <source>Nothing was sent back to you.</source>
        <translation>没有退回给您的面谈。</translation>
    </message>
    <message>
        <source>Sent back to you</source>
        <translation>退回给您的面谈</translation>
    </message>
    <message>
        <source>A supervisor sent these back. Interview the person again?</source>
        <translation>监督人员退回了以下面谈。要重新面谈此人吗？</translation>
    </message>
    <message>
        <source>Lock after</source>
        <translation>自动锁定</translation>
    </message>
    <message>
        <source>Lock after this many idle minutes (0 = never):</source>
        <translation>闲置多少分钟后锁定（0 = 从不）：</translation>
    </message>
</context>
<context>
    <name>NewAccountDialog</name>
    <message>
        <source>Add an account</source>
        <translation>添加账户</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Repeat the password</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>User &amp;name</source>
        <translation>用户名(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Display name</source>
        <translation>显示名称(&amp;D)</translation>
    </message>
    <message>
        <source>R&amp;ole</source>
        <translation>角色(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Repeat it</source>
        <translation>再次输入(&amp;R)</translation>
    </message>
    <message>
        <source>Add account</source>
        <translation>添加账户</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>NewPasswordDialog</name>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>Repeat the new password</source>
        <translation>再次输入新密码</translation>
    </message>
    <message>
        <source>&amp;New password</source>
        <translation>新密码(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Repeat it</source>
        <translation>再次输入(&amp;R)</translation>
    </message>
</context>
<context>
    <name>OpenDraftDialog</name>
    <message>
        <source>An interview is open</source>
        <translation>有一个面谈尚未结束</translation>
    </message>
    <message>
        <source>you</source>
        <translation>您</translation>
    </message>
    <message>
        <source>An interview of &lt;b&gt;{name}&lt;/b&gt; ({isn}) is open as a draft, started {started} by {who}.</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt;（{isn}）的面谈仍为草稿，由{who}于 {started} 开始。</translation>
    </message>
    <message>
        <source>Only {interviewer} can continue it; it can be discarded if it was opened by mistake.</source>
        <translation>只有 {interviewer} 可以继续；如果是误开的，可以作废。</translation>
    </message>
    <message>
        <source>Only {interviewer} can continue it.</source>
        <translation>只有 {interviewer} 可以继续。</translation>
    </message>
    <message>
        <source>&amp;Resume it</source>
        <translation>继续(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Discard it (opened by mistake)…</source>
        <translation>作废(&amp;D)（误开）…</translation>
    </message>
</context>
<context>
    <name>PdfPreviewDialog</name>
    <message>
        <source>Choice form</source>
        <translation>选择记录表</translation>
    </message>
    <message>
        <source>Non completion</source>
        <translation>未完成记录</translation>
    </message>
    <message>
        <source>1 page</source>
        <translation>1 页</translation>
    </message>
    <message>
        <source>{count} pages</source>
        <translation>{count} 页</translation>
    </message>
    <message>
        <source>not printed yet</source>
        <translation>尚未打印</translation>
    </message>
    <message>
        <source>printed once</source>
        <translation>已打印 1 次</translation>
    </message>
    <message>
        <source>printed {count} times</source>
        <translation>已打印 {count} 次</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>页</translation>
    </message>
    <message>
        <source>Pa&amp;ge:</source>
        <translation>页(&amp;G)：</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Fit width</source>
        <translation>适合宽度(&amp;F)</translation>
    </message>
    <message>
        <source>of {count}</source>
        <translation>/ {count}</translation>
    </message>
    <message>
        <source>&amp;Print…</source>
        <translation>打印(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Save a copy…</source>
        <translation>保存副本(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>关闭(&amp;C)</translation>
    </message>
    <message>
        <source>{pages} · revision {revision} · SHA-256 {sha}… · {printed}</source>
        <translation>{pages} · 第 {revision} 版 · SHA-256 {sha}… · {printed}</translation>
    </message>
    <message>
        <source>Not printed</source>
        <translation>未能打印</translation>
    </message>
    <message>
        <source>Save a copy of the form</source>
        <translation>保存表格副本</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>未能保存</translation>
    </message>
    <message>
        <source>Saved a copy of the form to {path}.</source>
        <translation>已将表格副本保存到 {path}。</translation>
    </message>
</context>
<context>
    <name>PdfPrinting</name>
    <message>
        <source>The printer refused to start a new page.</source>
        <translation>打印机拒绝开始新的一页。</translation>
    </message>
    <message>
        <source>The printer could not be opened.</source>
        <translation>无法打开打印机。</translation>
    </message>
</context>
<context>
    <name>PrintableFormsModel</name>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Compound</source>
        <translation>营区</translation>
    </message>
    <message>
        <source>Interviewer</source>
        <translation>面谈人员</translation>
    </message>
    <message>
        <source>Finalised</source>
        <translation>定稿时间</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Printed</source>
        <translation>已打印</translation>
    </message>
</context>
<context>
    <name>ProtocolWording</name>
    <message>
        <source>Not completed: {reason}</source>
        <translation>未完成：{reason}</translation>
    </message>
    <message>
        <source>Not completed</source>
        <translation>未完成</translation>
    </message>
</context>
<context>
    <name>QuestionWidget</name>
    <message>
        <source>(optional)</source>
        <translation>（可选）</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>Thumbprint (on the paper form)</source>
        <translation>手印（按在纸质表格上）</translation>
    </message>
    <message>
        <source>Signed on paper</source>
        <translation>已在纸上签字</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>已签字</translation>
    </message>
    <message>
        <source>Review and finalise</source>
        <translation>审核并定稿</translation>
    </message>
    <message>
        <source>No choice has been recorded.</source>
        <translation>尚未记录任何选择。</translation>
    </message>
    <message>
        <source>Not ready to finalise:</source>
        <translation>尚不能定稿：</translation>
    </message>
    <message>
        <source>Flags for the supervisor:</source>
        <translation>供监督人员查看的标记：</translation>
    </message>
</context>
<context>
    <name>ReviewQueueDialog</name>
    <message>
        <source>Review queue</source>
        <translation>审核队列</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>所有状态</translation>
    </message>
    <message>
        <source>All outcomes</source>
        <translation>所有结果</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Not completed</source>
        <translation>未完成</translation>
    </message>
    <message>
        <source>Fla&amp;gged only</source>
        <translation>仅限有标记的(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;State</source>
        <translation>状态(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Interviewer</source>
        <translation>面谈人员(&amp;I)</translation>
    </message>
    <message>
        <source>In&amp;terpreter</source>
        <translation>翻译(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Compound</source>
        <translation>营区(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Day</source>
        <translation>日期(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Outcome</source>
        <translation>结果(&amp;O)</translation>
    </message>
    <message>
        <source>Interviews in the queue</source>
        <translation>审核队列中的面谈</translation>
    </message>
    <message>
        <source>&amp;Approve…</source>
        <translation>批准(&amp;A)…</translation>
    </message>
    <message>
        <source>Send &amp;back…</source>
        <translation>退回(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Reject…</source>
        <translation>驳回(&amp;R)…</translation>
    </message>
    <message>
        <source>Show &amp;form</source>
        <translation>查看表格(&amp;F)</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>处理结果</translation>
    </message>
    <message>
        <source>Computing the flags…</source>
        <translation>正在计算标记…</translation>
    </message>
    <message>
        <source>Flags as computed at {time} (records or prints since then: {changes}); they are being computed again.</source>
        <translation>以下为 {time} 计算的标记（此后的记录或打印：{changes} 项），正在重新计算。</translation>
    </message>
    <message>
        <source>All interviewers</source>
        <translation>所有面谈人员</translation>
    </message>
    <message>
        <source>All compounds</source>
        <translation>所有营区</translation>
    </message>
    <message>
        <source>Any day</source>
        <translation>任意日期</translation>
    </message>
    <message>
        <source>All interpreters</source>
        <translation>所有翻译</translation>
    </message>
    <message>
        <source>Interviews: {count}</source>
        <translation>面谈：{count}</translation>
    </message>
    <message>
        <source>Flags could not be computed: {reason}</source>
        <translation>无法计算标记：{reason}</translation>
    </message>
    <message>
        <source>Part of a pattern: {flag}</source>
        <translation>属于某种规律：{flag}</translation>
    </message>
    <message>
        <source>Not recorded: {reason}</source>
        <translation>未能记录：{reason}</translation>
    </message>
    <message>
        <source>Approved {person}; the form is countersigned.</source>
        <translation>已批准 {person}；表格已会签。</translation>
    </message>
    <message>
        <source>Sent {person} back to {interviewer}: {reason}</source>
        <translation>已将 {person} 退回给 {interviewer}：{reason}</translation>
    </message>
    <message>
        <source>Rejected {person}: {reason}</source>
        <translation>已驳回 {person}：{reason}</translation>
    </message>
    <message>
        <source>Waiting for a decision.</source>
        <translation>等待决定。</translation>
    </message>
    <message>
        <source>{state} by {reviewer} on {day}.</source>
        <translation>{reviewer} 于 {day} {state}。</translation>
    </message>
    <message>
        <source>{state} by {reviewer}.</source>
        <translation>{reviewer} {state}。</translation>
    </message>
    <message>
        <source>{state} on {day}.</source>
        <translation>{day} {state}。</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Comment: {comment}</source>
        <translation>意见：{comment}</translation>
    </message>
</context>
<context>
    <name>ReviewQueueModel</name>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Compound</source>
        <translation>营区</translation>
    </message>
    <message>
        <source>Interviewer</source>
        <translation>面谈人员</translation>
    </message>
    <message>
        <source>Finalised</source>
        <translation>定稿时间</translation>
    </message>
    <message>
        <source>Choice / outcome</source>
        <translation>选择 / 结果</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>标记</translation>
    </message>
    <message>
        <source>Reason / note</source>
        <translation>理由 / 备注</translation>
    </message>
</context>
<context>
    <name>ReviewStates</name>
    <message>
        <source>Received</source>
        <translation>已收到</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <source>Sent back</source>
        <translation>已退回</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>已驳回</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>admin</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>监督人员</translation>
    </message>
    <message>
        <source>interviewer</source>
        <translation>面谈人员</translation>
    </message>
</context>
<context>
    <name>RosterTableModel</name>
    <message>
        <source>Not interviewed</source>
        <translation>未面谈</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Not completed</source>
        <translation>未完成</translation>
    </message>
    <message>
        <source>Sent back</source>
        <translation>已退回</translation>
    </message>
    <message>
        <source>{status} · draft open</source>
        <translation>{status} · 有未完成草稿</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Romanised</source>
        <translation>拉丁字母拼写</translation>
    </message>
    <message>
        <source>Nationality</source>
        <translation>国籍</translation>
    </message>
    <message>
        <source>Compound</source>
        <translation>营区</translation>
    </message>
    <message>
        <source>Interview</source>
        <translation>面谈</translation>
    </message>
</context>
<context>
    <name>SecondInterviewDialog</name>
    <message>
        <source>&amp;Re-interview: the earlier interview was sent back or is in doubt</source>
        <translation>重新面谈(&amp;R)：之前的面谈被退回或存疑</translation>
    </message>
    <message>
        <source>&amp;Withdrawal: the person wishes to withdraw the choice recorded</source>
        <translation>撤回(&amp;W)：本人希望撤回已记录的选择</translation>
    </message>
    <message>
        <source>Re&amp;confirmation: the person is asked again before departure</source>
        <translation>再次确认(&amp;C)：出发前再次询问本人</translation>
    </message>
    <message>
        <source>I opened the &amp;wrong person: start nothing</source>
        <translation>我打开了错误的人员(&amp;W)：不开始任何面谈</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>ended without a choice</source>
        <translation>未作选择即结束</translation>
    </message>
    <message>
        <source>sent back by a supervisor</source>
        <translation>被监督人员退回</translation>
    </message>
    <message>
        <source>Interview again?</source>
        <translation>再次面谈？</translation>
    </message>
    <message>
        <source>finalised</source>
        <translation>已定稿</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt; ({isn}) already has a finalised interview ({status}, {day}). A new interview is linked to it and does not change it.&lt;br&gt;&lt;br&gt;Why interview this person again?</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt;（{isn}）已有一次定稿的面谈（{status}，{day}）。新面谈将与之关联，不会改变它。&lt;br&gt;&lt;br&gt;为什么要再次面谈此人？</translation>
    </message>
    <message>
        <source>Start the interview</source>
        <translation>开始面谈</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Choose why, or Cancel.</source>
        <translation>请选择原因，或点击“取消”。</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>DEMO</source>
        <translation>演示</translation>
    </message>
    <message>
        <source>The session of &lt;b&gt;{name}&lt;/b&gt; is locked. Enter the password to continue; the work is kept.</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; 的会话已锁定。请输入密码继续；工作内容已保留。</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>&amp;User name</source>
        <translation>用户名(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Switch user</source>
        <translation>切换用户</translation>
    </message>
    <message>
        <source>Another person signs in; the locked session&apos;s work stays saved for its own account.</source>
        <translation>由另一人登录；已锁定会话的工作仍为其账户保存。</translation>
    </message>
    <message>
        <source>You can try again now.</source>
        <translation>现在可以重试。</translation>
    </message>
</context>
<context>
    <name>SignatureField</name>
    <message>
        <source>A thumbprint box will be printed on the form; the print is taken on paper.</source>
        <translation>表格上将印有手印框；手印按在纸上。</translation>
    </message>
    <message>
        <source>Type the name of the person signing.</source>
        <translation>请输入签字人的姓名。</translation>
    </message>
    <message>
        <source>Full name as the signer writes it</source>
        <translation>签字人本人书写的全名</translation>
    </message>
    <message>
        <source>Name of the signer: {title}</source>
        <translation>签字人姓名：{title}</translation>
    </message>
    <message>
        <source>Signer&apos;s na&amp;me:</source>
        <translation>签字人姓名(&amp;M)：</translation>
    </message>
    <message>
        <source>Signature pad: {title}</source>
        <translation>签字板：{title}</translation>
    </message>
    <message>
        <source>&amp;Clear</source>
        <translation>清除(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Undo stroke</source>
        <translation>撤销笔画(&amp;U)</translation>
    </message>
    <message>
        <source>T&amp;humbprint instead (cannot write)</source>
        <translation>改按手印(&amp;H)（不会写字）</translation>
    </message>
</context>
<context>
    <name>SignaturePad</name>
    <message>
        <source>The pad is empty; ask the person to sign.</source>
        <translation>签字板为空；请本人签字。</translation>
    </message>
    <message>
        <source>The signature is too small to be a signature; clear the pad and sign again.</source>
        <translation>签字太小，不能作为签字；请清除签字板后重新签字。</translation>
    </message>
    <message>
        <source>The saved signature is not a list of strokes.</source>
        <translation>保存的签字不是笔画列表。</translation>
    </message>
    <message>
        <source>Stroke {number} of the saved signature is not a list of points.</source>
        <translation>保存的签字的第 {number} 笔不是点的列表。</translation>
    </message>
    <message>
        <source>Point {point} of stroke {stroke} of the saved signature is not (x, y, pressure) with numbers from 0 to 1.</source>
        <translation>保存的签字第 {stroke} 笔的第 {point} 个点不是由 0 到 1 之间的数字组成的 (x, y, 压力)。</translation>
    </message>
    <message>
        <source>Signature pad</source>
        <translation>签字板</translation>
    </message>
    <message>
        <source>Sign here</source>
        <translation>在此签字</translation>
    </message>
    <message>
        <source>1 stroke drawn.</source>
        <translation>已画 1 笔。</translation>
    </message>
    <message>
        <source>{count} strokes drawn.</source>
        <translation>已画 {count} 笔。</translation>
    </message>
    <message>
        <source>Empty.</source>
        <translation>空白。</translation>
    </message>
    <message>
        <source>Sign with the mouse, a pen or a finger; Delete clears, Ctrl+Z undoes the last stroke.</source>
        <translation>请用鼠标、笔或手指签字；按 Delete 清除，按 Ctrl+Z 撤销最后一笔。</translation>
    </message>
</context>
<context>
    <name>SignatureQuestion</name>
    <message>
        <source>Accept si&amp;gnature</source>
        <translation>确认签字(&amp;G)</translation>
    </message>
    <message>
        <source>signed</source>
        <translation>已签字</translation>
    </message>
    <message>
        <source>thumbprint to be taken on the form</source>
        <translation>将在表格上按手印</translation>
    </message>
    <message>
        <source>signed on paper</source>
        <translation>已在纸上签字</translation>
    </message>
    <message>
        <source>✓ Recorded: {how}.</source>
        <translation>✓ 已记录：{how}。</translation>
    </message>
    <message>
        <source>Sign a&amp;gain</source>
        <translation>重新签字(&amp;G)</translation>
    </message>
    <message>
        <source>Sign on the pad, then accept the new signature.</source>
        <translation>请在签字板上签字，然后确认新签字。</translation>
    </message>
</context>
<context>
    <name>StepPage</name>
    <message>
        <source>Read this aloud</source>
        <translation>请朗读</translation>
    </message>
    <message>
        <source>Read the declaration aloud; the person signs under it:</source>
        <translation>请朗读声明；本人在其下方签字：</translation>
    </message>
    <message>
        <source>The declaration appears once the choice is confirmed.</source>
        <translation>选择确认后将显示声明。</translation>
    </message>
    <message>
        <source>Read the recorded answer aloud:</source>
        <translation>请朗读已记录的回答：</translation>
    </message>
    <message>
        <source>No answer has been recorded yet.</source>
        <translation>尚未记录回答。</translation>
    </message>
</context>
<context>
    <name>SubjectDetails</name>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Romanised</source>
        <translation>拉丁字母拼写</translation>
    </message>
    <message>
        <source>Nationality</source>
        <translation>国籍</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>军衔</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>所属部队</translation>
    </message>
    <message>
        <source>Camp</source>
        <translation>战俘营</translation>
    </message>
    <message>
        <source>Compound</source>
        <translation>营区</translation>
    </message>
    <message>
        <source>Born</source>
        <translation>出生年份</translation>
    </message>
    <message>
        <source>Select a person in the roster.</source>
        <translation>请在名册中选择一个人。</translation>
    </message>
</context>
<context>
    <name>SubjectPanel</name>
    <message>
        <source>Interviews</source>
        <translation>面谈</translation>
    </message>
    <message>
        <source>Interview history</source>
        <translation>面谈历史</translation>
    </message>
    <message>
        <source>&amp;Start interview</source>
        <translation>开始面谈(&amp;S)</translation>
    </message>
    <message>
        <source>Show &amp;form</source>
        <translation>查看表格(&amp;F)</translation>
    </message>
    <message>
        <source>paper</source>
        <translation>纸质</translation>
    </message>
</context>
<context>
    <name>SyncDialog</name>
    <message>
        <source>nothing: headquarters holds everything</source>
        <translation>无：总部已全部收到</translation>
    </message>
    <message>
        <source>Sync with headquarters</source>
        <translation>与总部同步</translation>
    </message>
    <message>
        <source>Headquarters:</source>
        <translation>总部：</translation>
    </message>
    <message>
        <source>Not yet acknowledged:</source>
        <translation>尚未确认收到：</translation>
    </message>
    <message>
        <source>Last sync:</source>
        <translation>上次同步：</translation>
    </message>
    <message>
        <source>Certificate:</source>
        <translation>证书：</translation>
    </message>
    <message>
        <source>Archive:</source>
        <translation>存档：</translation>
    </message>
    <message>
        <source>Headquarters address</source>
        <translation>总部地址</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>地址(&amp;A)：</translation>
    </message>
    <message>
        <source>&amp;Push over the link</source>
        <translation>通过网络发送(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Export to a folder or stick…</source>
        <translation>导出到文件夹或 U 盘(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Apply a bundle from headquarters…</source>
        <translation>应用总部发来的数据包(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Headquarters file…</source>
        <translation>总部文件(&amp;H)…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>not set: an admin installs headquarters-public.json</source>
        <translation>未设置：由管理员安装 headquarters-public.json</translation>
    </message>
    <message>
        <source>counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <source>exported {exported}, acknowledged {acknowledged}</source>
        <translation>导出于 {exported}，确认于 {acknowledged}</translation>
    </message>
    <message>
        <source>valid until {date}</source>
        <translation>有效期至 {date}</translation>
    </message>
    <message>
        <source>{count} forms stamped at headquarters (kept verifiable for the long term)</source>
        <translation>已在总部加盖时间戳的表格 {count} 份（长期保持可验证）</translation>
    </message>
    <message>
        <source>Type the address of headquarters first.</source>
        <translation>请先输入总部地址。</translation>
    </message>
    <message>
        <source>Sent {sent} Headquarters answered: {answer}</source>
        <translation>已发送：{sent} 总部回复：{answer}</translation>
    </message>
    <message>
        <source>Sending to headquarters…</source>
        <translation>正在发送到总部…</translation>
    </message>
    <message>
        <source>Export the bundle to</source>
        <translation>将数据包导出到</translation>
    </message>
    <message>
        <source>Wrote {bundle} Carry it to headquarters and apply the bundle they send back.</source>
        <translation>已写入：{bundle} 请将其带到总部，并应用总部发回的数据包。</translation>
    </message>
    <message>
        <source>Writing the bundle…</source>
        <translation>正在写入数据包…</translation>
    </message>
    <message>
        <source>Bundle from headquarters</source>
        <translation>总部发来的数据包</translation>
    </message>
    <message>
        <source>Bundles (*.scb)</source>
        <translation>数据包 (*.scb)</translation>
    </message>
    <message>
        <source>Applying the bundle…</source>
        <translation>正在应用数据包…</translation>
    </message>
    <message>
        <source>Headquarters public file</source>
        <translation>总部公开文件</translation>
    </message>
    <message>
        <source>Headquarters file (*.json)</source>
        <translation>总部文件 (*.json)</translation>
    </message>
    <message>
        <source>This station now sends its records to {name}.</source>
        <translation>本面谈站现将记录发送到 {name}。</translation>
    </message>
    <message>
        <source>Not done: {reason}</source>
        <translation>未完成：{reason}</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
</context>
<context>
    <name>TextQuestion</name>
    <message>
        <source>One person per line, name and role: for example “Pak Sung-ho, interpreter” or “Observer: L. Berg (ICRC)”.</source>
        <translation>每行一人，写明姓名和角色：例如“Pak Sung-ho, interpreter”或“Observer: L. Berg (ICRC)”。</translation>
    </message>
    <message>
        <source>interpreter</source>
        <translation>翻译</translation>
    </message>
    <message>
        <source>interpreters</source>
        <translation>翻译</translation>
    </message>
    <message>
        <source>observer</source>
        <translation>观察员</translation>
    </message>
    <message>
        <source>observers</source>
        <translation>观察员</translation>
    </message>
    <message>
        <source>Add “{name}” to the station&apos;s {kinds}</source>
        <translation>将“{name}”加入本站{kinds}名单</translation>
    </message>
    <message>
        <source>This {kind} is not on the station&apos;s list.</source>
        <translation>此{kind}不在本站名单中。</translation>
    </message>
    <message>
        <source>Added: {name} is now one of the station&apos;s {kinds}.</source>
        <translation>已添加：{name} 现已列入本站{kinds}名单。</translation>
    </message>
</context>
<context>
    <name>VerifyDialog</name>
    <message>
        <source>Verify a form</source>
        <translation>验证表格</translation>
    </message>
    <message>
        <source>Open a signed PDF, or type (or scan) the record id printed in the QR code of a paper form.</source>
        <translation>打开已签名的 PDF，或输入（或扫描）纸质表格二维码中印的记录编号。</translation>
    </message>
    <message>
        <source>Record id, or the QR code&apos;s text</source>
        <translation>记录编号，或二维码中的文字</translation>
    </message>
    <message>
        <source>&amp;Check record</source>
        <translation>核对记录(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Open PDF…</source>
        <translation>打开 PDF(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>关闭(&amp;C)</translation>
    </message>
    <message>
        <source>record {id}</source>
        <translation>记录 {id}</translation>
    </message>
    <message>
        <source>Open a signed form</source>
        <translation>打开已签名的表格</translation>
    </message>
    <message>
        <source>GENUINE</source>
        <translation>真实有效</translation>
    </message>
    <message>
        <source>NOT VALID</source>
        <translation>无效</translation>
    </message>
</context>
</TS>

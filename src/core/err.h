/* err.h -- error values and their one table (nginx return codes, kcgi's
 * kcgi_strerror). Functions return XJ_OK (0) or a negative XJ_E_*. The
 * table maps each to an HTTP status, a stable machine code and messages in
 * Chinese and English. Codes are part of the API: never renumber or rename
 * a machine code once released; add new ones at the end of a group. */
#ifndef XJ_ERR_H
#define XJ_ERR_H

/*  name                  status  code                     zh                                  en */
#define XJ_ERRORS(X) \
	X(INTERNAL,             500, "internal_error",        "服务器内部错误，请稍后再试",          "internal error, please try again later") \
	X(UNAVAILABLE,          503, "service_unavailable",   "服务暂时不可用，请稍后再试",          "service temporarily unavailable, retry later") \
	X(BUSY,                 503, "busy_retry",            "系统繁忙，请稍后再试",                "system busy, retry later") \
	X(NOT_FOUND,            404, "not_found",             "未找到请求的资源",                    "resource not found") \
	X(METHOD,               405, "method_not_allowed",    "不支持该请求方法",                    "method not allowed for this resource") \
	X(BODY_TOO_LARGE,       413, "body_too_large",        "请求内容过大",                        "request body too large") \
	X(MEDIA_TYPE,           415, "unsupported_media_type","请求内容类型必须为 application/json", "content type must be application/json") \
	X(BAD_JSON,             400, "malformed_json",        "请求内容不是合法的 JSON",             "request body is not valid JSON") \
	X(JSON_LIMIT,           400, "json_limit_exceeded",   "JSON 嵌套过深或元素过多",             "JSON nesting or element count exceeds the limit") \
	X(BAD_QUERY,            400, "bad_query",             "查询参数不合法",                      "invalid query parameter") \
	X(VALIDATION,           422, "validation_failed",     "提交的信息有误，请按提示修改",        "some fields are invalid, see fields") \
	X(UNAUTHENTICATED,      401, "unauthenticated",       "请先登录",                            "please sign in") \
	X(FORBIDDEN,            403, "forbidden",             "无权执行此操作",                      "you may not perform this action") \
	X(CONFLICT,             409, "conflict",              "与当前状态冲突",                      "conflicts with the current state") \
	X(TOO_COMPLEX,          413, "request_too_complex",   "请求过于复杂，超出处理限制",          "request exceeds processing limits") \
	X(REG_TRANSITION,       409, "invalid_transition",    "登记当前所处的状态不允许此操作",      "the registration's current state does not allow this action") \
	X(REG_ACCEPTED,         409, "registration_accepted", "学校已确认接收该儿童，不能再撤销或更换登记区", "a school has accepted the child: the registration can no longer be cancelled or moved to another district") \
	X(SESSION_EXPIRED,      401, "session_expired",       "登录已超时，请重新登录",              "your session has expired: please sign in again") \
	X(SESSION_REPLACED,     401, "session_replaced",      "该账号已在其他地方登录，本次登录已失效", "this account signed in elsewhere: this session has ended") \
	X(CSRF,                 403, "csrf_token_invalid",    "页面已失效，请刷新后重试",            "missing or wrong X-CSRF-Token header: reload and retry") \
	X(BAD_CREDENTIALS,      401, "invalid_credentials",   "账号或密码错误",                      "wrong account or password") \
	X(ACCOUNT_LOCKED,       403, "account_locked",        "密码错误次数过多，账号已暂时锁定，请稍后再试", "too many wrong passwords: the account is locked for a while") \
	X(PHONE_TAKEN,          409, "phone_registered",      "该手机号码已注册，请直接登录",        "this mobile number already has an account: sign in instead") \
	X(BAD_SIGNATURE,        401, "bad_signature",         "签名无效",                            "missing or wrong request signature") \
	X(STALE_TIMESTAMP,      401, "stale_timestamp",       "请求时间戳超出允许范围",              "request timestamp outside the allowed window") \
	X(REPLAYED_NONCE,       409, "replayed_nonce",        "请求已处理过（随机数重复）",          "nonce already used: a replayed request") \
	X(WINDOW_CLOSED,        403, "collection_window_closed", "当前不在信息采集时间内",           "outside the collection window for this district") \
	X(DUPLICATE_CHILD,      409, "duplicate_child",       "该儿童已经登记，不能重复登记。如不是您本人登记的（见“我的登记”），请携带户口簿和儿童身份证件到您选择的区教育行政部门查询处理", "this child is already registered. If you did not register the child yourself (see your registrations), take the hukou book and the child's identity document to the education bureau of a district of your choice, which will look into it") \
	X(IDEM_REUSED,          422, "idempotency_key_reused","同一个幂等键不能用于不同的请求",      "this Idempotency-Key was used for a different request") \
	X(FORM_UNAVAILABLE,     409, "form_not_printable",    "信息采集表暂不能打印",                "the collection form cannot be printed yet") \
	X(CHANGE_IN_WINDOW,     409, "cancel_instead",        "采集期内如需更换登记区，请先撤销原登记，再到新的区登记", "inside the collection window, cancel this registration and register in the other district") \
	X(CHANGE_PENDING,       409, "district_change_pending", "已有一项变更登记区的申请正在办理",   "a district change request is already being handled") \
	X(SCHOOL_UNLICENSED,    409, "school_unlicensed",     "该学校未取得办学许可，不能建立学籍", "the school has no licence: it gets no student records (R-REC-9)") \
	X(REPEATER,             409, "repeater_not_recorded", "该儿童已有小学学籍，义务教育阶段复读不建立学籍", "the child already has a primary-school record: repeaters are not recorded (R-REC-9)") \
	X(SCHEMA_OUTDATED,      503, "schema_outdated",       "数据库结构版本低于程序版本，请先执行迁移", "the database schema is older than this build: run xuejictl migrate") \
	X(CERTS_NOT_REQUIRED,   409, "certificates_not_required", "本市户籍（或按本市户籍对待）的家庭无需提交“五证”材料", "a local family (or one treated as local) files no five certificates") \
	X(ACCOUNT_DISABLED,     403, "account_disabled",      "该账号已停用，请联系上级管理员",      "this account is disabled: ask your administrator") \
	/* per-result codes of POST /callback/psb/v1/results (docs/psb.md §4) */ \
	X(PSB_UNKNOWN_REQUEST,  404, "unknown_request",       "没有该核验请求号",                    "no verification request has this id") \
	X(PSB_CONFLICT,         409, "conflicting_result",    "该核验请求已有不同的核验结果，以第一次结果为准", "this verification request already has a different answer: the first one stands") \
	X(PSB_STALE,            409, "stale_request",         "该核验请求已失效（登记已修改或撤销）", "the verification request is no longer current: the registration was corrected or cancelled since") \
	/* student records, classes, term registration (issue 4 §4-5) */ \
	X(CLASS_EXISTS,         409, "class_exists",          "该班级已存在（班号已被本校或本校的主校区、分校区使用）", "this class exists already: the number is taken in this school or its main or branch campus") \
	X(CLASS_FULL,           409, "class_numbers_exhausted", "该年级的班号已用完（最多99个班）",    "no class number left for this entry year and level (at most 99 classes)") \
	X(STUDENT_NOT_IN_SCHOOL, 409, "student_not_in_school", "该学生不在校，不能执行此操作",         "the student is not in school: this action is not possible") \
	/* admission, staff accounts (issue 4 §1-3) */ \
	X(ALREADY_TICKED,       409, "already_ticked",        "该儿童已被其他学校确认接收（打钩）",  "another school has already ticked (pre-admitted) this child") \
	X(LOGIN_TAKEN,          409, "login_taken",           "该登录名已被使用",                    "this login name is taken") \
	X(NOTHING_TO_SUBMIT,    409, "nothing_to_submit",     "没有待上报的已确认接收儿童",          "no ticked children are waiting to be submitted") \
	X(NOTICE_NOT_ISSUED,    409, "notice_not_issued",     "录取通知书尚未发放",                  "the admission notice has not been issued") \
	/* year-end batches (issue 11 item 8) */ \
	X(YEAREND_EXISTS,       409, "yearend_batch_exists",  "该学年已建立同类批处理（本校、所属区县或其学校）", "a batch of this kind for this school year already covers this school or county (or one of its schools)") \
	X(YEAREND_STARTED,      409, "yearend_batch_started", "该批处理已启动，不能再次启动",        "this batch has already been started") \
	X(LIST_PARTLY_DECIDED,  409, "list_partly_decided",   "该名单已部分审批，已批准的儿童不能再退回：请以与已审批结果一致的决定完成审批", "the list is partly decided and approved children cannot be returned: finish it with a decision that agrees with the children decided so far") \
	/* issue 10, scope and audit (review M5, L12) */ \
	X(LOOKUP_LIMITED,       429, "lookup_limited",        "查询次数过多，请稍后再查询",          "too many lookups: wait before the next one (Retry-After)") \
	X(FILTER_REQUIRED,      400, "filter_required",       "请指定学校或区县后再查询",            "name a school or a county (query school= or county=) to search this wide a scope") \
	/* contested claims (issue 10, review H1, M1a): the county's void, the staff look-up */ \
	X(REG_VOID,             410, "registration_void",     "本次登记已作废，信息采集表无效",      "this registration is void: its collection form no longer counts") \
	/* issue 10 (H): privacy (PIPL, M12) */ \
	X(ACCOUNT_IN_USE,       409, "account_in_use",        "该账号下仍有进行中的登记或已建立的学籍，不能注销：请先撤销进行中的登记", "registrations of this account are still in progress or became student records: cancel those in progress first") \
	/* staff logins (issue 10 D: review M10) */ \
	X(PASSWORD_CHANGE_REQUIRED, 403, "password_change_required", "请先修改密码（首次登录或管理员重置密码后须修改）", "change your password first (required at first sign-in and after an administrator's reset)") \
	X(OTP_ENROLMENT_REQUIRED, 403, "second_factor_enrolment_required", "本单位要求启用动态口令（双因素认证），请先完成绑定", "your organisation requires a second factor: enrol an authenticator app first") \
	X(OTP_REQUIRED,         401, "otp_required",          "请输入动态口令（验证器应用中的6位数字）", "enter the 6-digit code of your authenticator app") \
	X(OTP_INVALID,          401, "otp_invalid",           "动态口令错误或已使用过",              "wrong or already used authenticator code") \
	X(OTP_ENROLLED,         409, "second_factor_enrolled", "已启用动态口令；如需更换，请联系管理员重置", "a second factor is already enrolled: ask an administrator to reset it") \
	/* phone ownership and per-account limits (issue 10, A: H1, M1b, M4) */ \
	X(RATE_LIMITED,         429, "rate_limited",          "操作过于频繁，请稍后再试",            "too many requests: retry after the time in Retry-After (also nginx's limit_req)") \
	X(REG_LIMIT,            409, "registration_limit",    "本账号本年度的有效登记已达上限，如需为其他儿童登记，请先撤销不需要的登记或联系登记区教育部门", "this account has reached its limit of live registrations for this collection year: cancel one it no longer needs, or contact the district's education bureau") \
	X(REG_RATE,             429, "registration_rate_limited", "登记提交过于频繁，请稍后再试",    "registrations are being created too fast from this account: retry after the time in Retry-After") \
	/* issue 11 item 9: certificates of student status (R-REC-7); a closed \
	 * school (R-ORG-5) stays readable and starts nothing new */ \
	X(SCHOOL_CLOSED,        409, "school_closed",         "该学校已撤销（关闭），其信息只能查阅，不能再办理新的业务", "the school is closed: what it holds stays readable, but it can start nothing new (R-ORG-5)") \
	X(STATUS_NOT_CERTIFIABLE, 409, "status_not_certifiable", "只能为在校生和毕业生开具学籍证明", "a certificate of student status is issued for students in school or graduated only") \
	/* issue 11 (wf): the workflow engine and transfers; 2001-2003 mirror \
	 * the national system's refusal codes (R-MOV-2) */ \
	X(TRANSFER_MISMATCH,    422, "transfer_refused_2001", "学生信息不符（2001）：姓名与学籍号对应的学籍不一致，请核对后重新输入", "refused 2001: the name and the student number do not match a record; check both and try again") \
	X(TRANSFER_BUSY,        409, "transfer_refused_2002", "该学生有未办结的业务（2002），请待其办结后再申请", "refused 2002: the student has business in progress; apply again once it is finished") \
	X(TRANSFER_PROBLEM,     409, "transfer_refused_2003", "该学生的学籍为问题学籍（2003），请先处理问题学籍", "refused 2003: the record is a problem record; it must be resolved first") \
	X(TRANSFER_SAME_SCHOOL, 409, "transfer_same_school",  "该学生已在本校就读，无需转学",        "the student is already at this school") \
	X(TRANSFER_FROZEN,      409, "transfer_frozen",       "本省当前暂停受理转学申请（升级批次期间冻结）", "new transfers are frozen in this province for now (around the promotion batch)") \
	X(WF_EXCHANGE,          409, "workflow_exchange_unavailable", "跨省业务须经全国学籍系统交换办理，该环节暂未开通", "this chain has a step played by the ministry exchange, which is not connected yet") \
	X(WF_STEP_DECIDED,      409, "workflow_step_decided", "该审核环节已处理（可能已由其他审核人处理），请刷新后查看", "this step is no longer open: it was decided, perhaps by another reviewer; reload the case") \
	X(WF_NOT_YOUR_STEP,     403, "workflow_not_your_step", "当前审核环节不由本单位（或本角色）办理", "the open step is not for your organisation (or your role) to decide") \
	X(WF_NOT_OVERDUE,       409, "workflow_not_overdue",  "该环节尚未超期，不能强制干预",        "the step is not overdue (or nobody is above it): it cannot be escalated") \
	/* issue 12: problem records (school/problem.c) */ \
	X(PROBLEM_CHANGE_NO_EFFECT, 409, "problem_change_no_effect", "更正后的信息仍属于该问题组的问题（身份证件号问题须通过关键数据变更处理），请核对", "the corrected data still has this group's problem (a duplicate identity number is corrected by a key-data change); check the data") \
	X(PROBLEM_NOT_OPEN,     409, "problem_member_not_open", "该学籍在此问题组中已处理（或问题组已解决），请刷新后查看", "this record is no longer open in the problem group (resolved, or the group is resolved); reload the group") \
	/* issue 12 item 3: evidence files (school/evidence.c, store/evidence.c) */ \
	X(EVIDENCE_LIMIT,       409, "evidence_limit",        "该学籍的佐证材料已达上限（文件数或总大小），请联系上级部门", "this record has reached its limit of evidence files (count or total size)") \
	X(EVIDENCE_REQUIRED,    422, "evidence_required",     "该申请须附佐证材料（DOC、RAR 或 JPG 文件），请先上传", "this request needs at least one evidence file (DOC, RAR or JPG): upload it first") \
	X(EVIDENCE_UNKNOWN,     422, "evidence_file_unknown", "所附佐证材料不存在或不属于该学籍", "an evidence file given is not a file of this record") \
	/* issue 11 item 6: status changes (school/statuschange.c) */ \
	X(STATUS_MOVE_INVALID,  409, "status_change_not_allowed", "该学生当前的学籍状态不能办理此项学籍异动", "the record's current status does not allow this status change") \
	X(GRADE_CHANGE_OFF,     409, "grade_change_disabled", "本省未启用留级（跳级）业务", "repeating (skipping) a year is not enabled in this province") \
	X(WF_SAME_PERSON,       403, "workflow_same_person",  "本单位的上一审核环节由您办理，本环节须由另一人审核", "you decided this organisation's previous step: another person decides this one (four eyes)") \
	X(GRADE_CHANGE_RANGE,   409, "grade_change_out_of_range", "留级（跳级）后的年级超出本学段的年级范围", "after repeating (skipping) a year the grade would lie outside the level's grades") \
	/* issue 13: the ministry exchange's inbound messages (src/exchange/, \
	 * docs/xml/README.md): sent back inside a signed Receipt */ \
	X(X_UNAVAILABLE,        503, "exchange_not_configured", "部级数据交换未配置", "the ministry exchange is not configured on this server") \
	X(X_SIG_MISSING,        401, "signature_missing",     "缺少报文签名或签名头格式错误",        "missing or unreadable Xueji-Signature header") \
	X(X_SIG_INVALID,        401, "signature_invalid",     "报文签名无效（密钥未知、算法不符或验签失败）", "the signature does not verify (unknown key id, wrong algorithm or wrong signature)") \
	X(X_TOO_LARGE,          413, "message_too_large",     "报文超过大小限制",                    "the message exceeds the size limit") \
	X(X_MEDIA_TYPE,         415, "xml_media_type",        "报文内容类型必须为 application/xml",  "content type must be application/xml") \
	X(X_MALFORMED,          400, "xml_malformed",         "报文不是格式正确的 UTF-8 XML",        "the message is not well-formed UTF-8 XML") \
	X(X_DOCTYPE,            400, "xml_doctype_refused",   "报文不得包含文档类型声明（DOCTYPE）", "a DOCTYPE is not accepted (no DTD, no entities)") \
	X(X_LIMIT,              400, "xml_limit_exceeded",    "报文嵌套过深或文本过长",              "the message nests too deep or holds too long a text") \
	X(X_VERSION,            400, "unknown_version",       "不支持的报文版本",                    "unknown message version (root element or namespace)") \
	X(X_SCHEMA,             422, "schema_violation",      "报文不符合 XSD 规范",                 "the message does not validate against the XSD") \
	X(X_TYPE_MISMATCH,      422, "type_mismatch",         "报文类型与报文体不一致",              "MessageType differs from the payload element") \
	X(X_RECEIVER,           422, "wrong_receiver",        "接收方不是本系统",                    "the Receiver is not this deployment") \
	X(X_SENDER,             403, "sender_mismatch",       "发送方与签名密钥所属单位不符",        "the Sender is not the organisation of the signing key") \
	X(X_ID_REUSED,          409, "message_id_reused",     "报文标识已用于内容不同的报文",        "this message id was received before with other bytes") \
	X(X_CORRELATION,        422, "unknown_correlation",   "关联报文标识不是本系统发出的报文",    "CorrelationId names no message this deployment sent") \
	X(X_NOT_SENT,           422, "record_not_sent",       "本系统未报送该记录",                  "no record with this ref in the batch named by CorrelationId") \
	X(X_TYPE_NOT_ACCEPTED,  422, "type_not_accepted",     "本系统暂不接收该类型报文",            "this deployment does not take this message type inbound yet") \
	/* issue 13 item 4: an acknowledgement naming no message offered */ \
	X(X_CURSOR_UNKNOWN,     422, "outbox_cursor_unknown", "确认的游标不是已提供给该接收方的报文", "upto names no outbox message offered to this receiver") \
	/* issue 13 item 6 (natcheck): a CheckResult's Issued refused per record */ \
	X(X_NC_MISMATCH,        422, "number_mismatch",       "被替换的学籍号不是该记录的当前临时学籍号", "Replaces is not the record's current temporary (L) number, or another number was issued before") \
	X(X_NC_TAKEN,           422, "number_taken",          "该学籍号已发给其他记录",              "the number was already issued to another record") \
	X(X_NC_INVALID,         422, "number_invalid",        "学籍号无效或与身份证件号不符",        "not a valid G or J number, or a G number that is not G and the record's identity number") \
	/* issue 12 item 5: a batch import's body (school/supplement.c) */ \
	X(IMPORT_MEDIA_TYPE,    415, "import_media_type",     "导入文件的内容类型必须为 text/csv（UTF-8 编码的 CSV 文件）", "an import's content type must be text/csv (a CSV file in UTF-8)") \
	/* issue 13 item 7 (xrecv): cross-province moves, the receiving side \
	 * (school/xmove.c; the inbound TransferDecision and Dossier, \
	 * exchange/xrecv.c, inside a Receipt) */ \
	X(XMOVE_WINDOW_CLOSED,  409, "graduate_move_closed",  "本省当前不在毕业生跨省转入的办理时段内", "graduate moves are not open in this province now (outside the window the province set, R-MOV-5)") \
	X(XMOVE_RECORD_HERE,    409, "transfer_record_here",  "该学籍号对应的学籍在本省，请按省内转学办理", "this student number is a record of this province: apply for an ordinary transfer") \
	X(XMOVE_UNKNOWN,        422, "transfer_unknown",      "转学业务编号（TransferId）不是本系统发起的跨省业务", "the TransferId names no cross-province case of this deployment") \
	X(XMOVE_NOT_WAITING,    409, "transfer_not_waiting",  "该跨省业务当前不在等待此报文的环节（已办结或申请尚未发出）", "the case is not waiting for this message (it is closed, or its request was not sent)") \
	X(XMOVE_STUDENT_MISMATCH, 422, "transfer_student_mismatch", "档案中的学籍号与申请的学籍号不一致", "the Dossier's student number is not the one the case asked for") \
	X(XMOVE_STEP,           422, "transfer_step_invalid", "审核环节与该跨省业务的类型不符",      "the Step is not a step of this kind of move (a transfer: sending_school, sending_county; a graduate move: graduating_county)") \
	/* session 7 (capcase): the school's unanswered cross-province starts */ \
	X(XMOVE_UNANSWERED_LIMIT, 429, "transfer_unanswered_limit", "本校已发起且尚未得到对方省份答复的跨省转入申请已达上限，请等待对方答复后再发起新的申请", "this school has as many cross-province requests waiting for the other province's answer as it may have: wait for answers before starting more") \
	/* review R6: a message a decision would queue that the exchange's \
	 * XSD cannot carry (exchange/xqueue.c): refused before anything of \
	 * the decision is written, not dropped later by the signer */ \
	X(X_UNSENDABLE,         409, "exchange_unsendable",   "该学籍的数据无法按部级交换格式发送（如无证件号码或含格式外的字符），请先核实更正学籍数据", "the record's data cannot be carried by the exchange's message format (no document number, or characters the format does not take): correct the record first") \
	/* field-level codes: reported inside "fields" of validation_failed */ \
	X(F_REQUIRED,           422, "required",              "此项为必填项",                        "this field is required") \
	X(F_TYPE,               422, "wrong_type",            "数据类型不正确",                      "wrong data type") \
	X(F_TOO_SHORT,          422, "too_short",             "内容过短",                            "value is too short") \
	X(F_TOO_LONG,           422, "too_long",              "内容过长",                            "value is too long") \
	X(F_RANGE,              422, "out_of_range",          "数值超出允许范围",                    "value out of range") \
	X(F_FORMAT,             422, "bad_format",            "格式不正确",                          "value has the wrong format") \
	X(F_CODE,               422, "unknown_code",          "代码不在允许的取值范围内",            "code is not in the allowed list") \
	X(F_UNKNOWN,            422, "unknown_field",         "不认识的字段",                        "unknown field") \
	X(F_TOO_MANY,           422, "too_many_items",        "条目数量超出限制",                    "too many items") \
	X(F_DATE,               422, "invalid_date",          "日期无效，应为 YYYY-MM-DD 格式的真实日期", "not a real date in the form YYYY-MM-DD") \
	X(F_ID_15,              422, "id_number_15_digits",   "15位身份证号码已停用，请填写18位号码", "15-digit ID numbers are no longer valid: give the 18-digit number") \
	X(F_ID_FORMAT,          422, "id_number_format",      "身份证号码应为18位，前17位为数字，最后一位为数字或X", "an ID number has 18 characters: 17 digits and a digit or X") \
	X(F_ID_BIRTH,           422, "id_number_birth_date",  "身份证号码中的出生日期不存在",        "the birth date inside the ID number does not exist") \
	X(F_ID_CHECK,           422, "id_number_check_char",  "身份证号码校验位不正确，请核对后重新填写", "the ID number's check character is wrong: please re-check it") \
	X(F_ID_AREA,            422, "id_number_area_code",   "身份证号码前6位地区代码不存在",      "the first 6 digits are not a division code that ever existed") \
	X(F_BIRTH_MISMATCH,     422, "birth_date_mismatch",   "出生日期与身份证号码不一致",          "birth date does not agree with the ID number") \
	X(F_SEX_MISMATCH,       422, "sex_mismatch",          "性别与身份证号码不一致",              "sex does not agree with the ID number") \
	X(F_PHONE,              422, "mobile_number_format",  "手机号码应为11位数字，以13至19开头",  "a mobile number has 11 digits and starts with 13 to 19") \
	X(F_NAME,               422, "person_name_format",    "姓名只能由文字和间隔号“·”组成，不能含数字、空格或其他符号", "a name holds letters (any script) and the middle dot (U+00B7) only: no digits, spaces or other signs") \
	X(F_DIVISION,           422, "division_code_format",  "行政区划代码格式不正确：区县代码为6位数字，户籍地代码为区县代码后加000000", "wrong division code: a county code has 6 digits, a hukou location is the county code followed by 000000") \
	X(F_PREREG_FORMAT,      422, "prereg_number_format",  "预登记号应为16位：前15位为数字，最后一位为数字或X", "a pre-registration number has 16 characters: 15 digits, then a digit or X") \
	X(F_PREREG_CHECK,       422, "prereg_number_check_char", "预登记号有误（校验位不符），请核对后重新输入", "the pre-registration number is mistyped (its check character does not match): please re-check it") \
	X(F_DATETIME,           422, "invalid_datetime",      "时间无效，应为北京时间 YYYY-MM-DD HH:MM 或 YYYY-MM-DD HH:MM:SS", "not a real time of the form YYYY-MM-DD HH:MM[:SS] (Beijing time)") \
	X(F_WEAK_PASSWORD,      422, "weak_password",         "密码至少8位，且须同时包含字母和数字",  "a password needs at least 8 characters with letters and digits") \
	X(F_UNKNOWN_DIVISION,   422, "unknown_division",      "行政区划代码不存在",                  "no such division code") \
	X(F_FUTURE_DATE,        422, "date_in_future",        "日期不能晚于今天",                    "the date must not lie in the future") \
	X(F_EXPIRED,            422, "document_expired",      "证件已过有效期",                      "the document has expired") \
	X(F_DUPLICATE,          422, "duplicate_item",        "列表中有重复的条目",                  "an item appears more than once in the list") \
	X(F_NOT_ALLOWED,        422, "not_allowed",           "此项在这种情况下不应填写",            "this field must be left out here") \
	X(F_STUDENTNO_FORMAT,   422, "student_number_format", "全国学籍号应为19位：类型码G、J或L加18位", "a national student number has 19 characters: G, J or L and 18 more") \
	X(F_STUDENTNO_BIRTH,    422, "student_number_birth_date", "全国学籍号中的出生日期不存在",    "the birth date inside the student number does not exist") \
	X(F_STUDENTNO_CHECK,    422, "student_number_check_char", "全国学籍号校验位不正确，请核对后重新输入", "the student number's check character is wrong: please re-check it") \
	X(F_CLASS_CODE,         422, "class_code_format",     "班级代码应为7位：入学年份4位、学段1位（1小学 2初中 3高中）、班号2位", "a class code has 7 digits: entry year (4), level (1 primary, 2 junior, 3 senior), class number (2)") \
	X(F_CLASS_BRANCH,       422, "class_number_branch",   "分校区的班号须接在主校区同年级班号之后", "a branch campus numbers its classes after the main campus's classes of the same year and level") \
	X(F_CLASS_MISMATCH,     422, "class_mismatch",        "班级的入学年份或学段与学生不符",     "the class's entry year or level differs from the student's") \
	/* issue 13 item 7: the sending county of a cross-province move */ \
	X(F_XMOVE_SAME_PROVINCE, 422, "transfer_same_province", "转出区县在本省：本省学生请按省内转学办理", "the county is in this province: a student of this province moves by an ordinary transfer") \
	X(F_TERM,               422, "term_format",           "学期应为“学年起始年份-1”或“学年起始年份-2”，如 2026-1", "a term is the school year's first year and 1 or 2, e.g. 2026-1") \
	X(F_WEAK_STAFF_PASSWORD, 422, "weak_staff_password", "工作人员密码至少10位，且须同时包含字母和数字", "a staff password needs at least 10 characters with letters and digits") \
	/* issue 10 (H): a field code for the wrong current password (the 422's \
	 * fields held invalid_credentials, an error code, against the spec) */ \
	X(F_WRONG_PASSWORD,     422, "wrong_current_password", "当前密码不正确", "the current password is wrong") \
	/* issue 10 (H): privacy (PIPL, M12) */ \
	X(F_NOTICE_OUTDATED,    422, "privacy_notice_outdated", "个人信息处理告知已更新，请阅读并确认最新版本后再提交", "the privacy notice has changed: read and accept the current version (GET /api/ref/v1/privacy-notice), then submit again") \
	X(F_SAME_PASSWORD,      422, "same_password",         "新密码不能与当前密码相同",            "the new password must differ from the current one") \
	/* a wrong authenticator code while confirming an enrolment (a field \
	 * of a 422, not the 401 otp_invalid of a sign-in) */ \
	X(F_WRONG_OTP,          422, "wrong_otp",             "动态口令错误，请输入验证器应用当前显示的6位数字", "wrong code: enter the 6 digits your authenticator app shows now") \
	X(F_SMS_CODE,           422, "sms_code_invalid",      "验证码错误或已失效，请重新获取",      "the code is wrong, used or expired: request a new one") \
	/* issue 12 item 3: what an evidence file's bytes say it is */ \
	X(F_FILE_TYPE,          422, "evidence_file_type",    "佐证材料只能是 DOC、RAR 或 JPG 文件（按文件内容识别，修改扩展名无效）", "evidence must be a DOC, RAR or JPG file (recognised by its content: renaming does not help)") \
	X(F_FILE_NAME,          422, "evidence_file_name",    "文件名过长或含有不允许的字符",        "the file name is too long or holds characters that are not allowed") \
	/* issue 12 item 4: key-data changes (R-KEY-1; school/keydata.c) */ \
	X(F_CONTROLLED,         422, "key_field_controlled",  "该项为受控字段，须通过关键数据变更申请修改", "a controlled field: it changes through a key-data change request (POST .../key-data-changes), not by a direct edit") \
	X(F_NOT_CONTROLLED,     422, "key_field_not_controlled", "该项不是受控字段，请在学籍信息维护中直接修改", "not a controlled field: edit it directly (PATCH the record), not by a change request") \
	X(F_UNCHANGED,          422, "key_field_unchanged",   "新值与现有信息相同，无需变更",        "the new value is the value the record has: nothing to change") \
	/* issue 12 item 5: 补建学籍 and batch import (R-DUP-4, R-REC-8; school/supplement.c) */ \
	X(F_SUPP_GRADE_ONE,     422, "supplement_grade_one",  "小学一年级学生通过招生入学建立学籍，不能补建学籍", "a pupil in grade 1 of primary school gets a record through admission (R-ADM-2), not as a supplemented record or an import") \
	X(F_IMPORT_COLUMN,      422, "import_column_unknown", "表头中的列名不认识或重复，请使用导入模板的列名", "a header column is unknown or repeated: use the template's column names") \
	X(F_IMPORT_CSV,         422, "import_line_malformed", "该行不是正确的 CSV 格式（引号未闭合或列数与表头不一致）", "the line is not well-formed CSV (an unclosed quote, or not as many cells as the header)") \
	X(F_IMPORT_ENCODING,    422, "import_encoding",       "导入文件必须为 UTF-8 编码（可带 BOM）；GBK 编码的文件请另存为 UTF-8", "an import file must be UTF-8 (a byte order mark is allowed): save a GBK file as UTF-8 first")

enum xj_err {
	XJ_OK = 0,
#define XJ_ERR_ENUM(name, st, code, zh, en) XJ_E_##name,
	XJ_E__FIRST = -1000,
	XJ_ERRORS(XJ_ERR_ENUM)
#undef XJ_ERR_ENUM
	XJ_E__LAST
};

/* "Not an error" answers from lower layers (like NGX_DECLINED). */
#define XJ_NO_ROW	1	/* fetch: no (more) rows */
#define XJ_RETRY	(-2)	/* transaction must be rolled back and rerun */

struct xj_errinfo {
	int		 status;
	const char	*code;
	const char	*zh;
	const char	*en;
};

/* The table row of an error; unknown values map to INTERNAL. */
const struct xj_errinfo	*xj_err_info(int err);
/* Look an error up by machine code (tests, docs); 0 if unknown. */
int			 xj_err_by_code(const char *code);

#endif

"""The phrasings the router reads (assistant/intents.py), English and Chinese: one compiled pattern per family of
what learners type, each with the sentences it was written for and, where it matters, what it must not take.

The families were widened from sets of learners' messages written blind to them (tests/routing_probe.py), a
family at a time and never one sentence; tests/test_intents.py holds new sentences for each. Which family wins
is not decided here: the order of the checks in intents.py is the priority.
"""

from __future__ import annotations

import re


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.I)


QUIZ = _rx(
    r"\bquiz\b",
    r"interview\s+questions?",
    r"\btest\s+me\b",
    r"\bask\s+me\b.*questions?",
    r"\bexercises?\b",
    # Questions to answer, or a check of what the learner knows: "practice questions on X", "test my knowledge of
    # X", "check how well I understand X".
    r"\b(practice|review|exam|test|sample|mock|self-?test)\s+(questions?|problems?)\b",
    r"\bflash\s*cards?\b",
    # Questions sent at the learner: "hit me with a couple of questions on X", "throw some problems at me"; not
    # "I have a couple of questions on X" (theirs, to ask).
    r"\b(hit|throw|fire|pelt|give|send|set|pose)\s+me\s+(with\s+)?(a\s+few|a\s+couple(\s+of)?|some|several|a\s+bunch\s+of|"
    r"\d+|one|two|three|four|five|ten)\s+([\w-]+\s+)?(questions?|problems?)\b",
    r"\b(throw|fire)\s+(a\s+few|a\s+couple(\s+of)?|some|several)\s+([\w-]+\s+)?(questions?|problems?)\s+at\s+me\b",
    r"\b(test|check|assess|gauge|evaluate)\s+(my\s+(knowledge|understanding|grasp)|how\s+(well|much)\s+i\s+"
    r"(know|understand))\b",
    # Questioned on a topic: "drill me on RLHF", "grill me about LoRA"; "check whether I really understand X",
    # "see if I know X"; not "check whether the loss goes down".
    r"\b(drill|grill|examine|quiz|question|pop-?quiz)\s+me\b",
    r"\b(test|check|see|find\s+out|verify|confirm)\s+(whether|if)\s+i\s+((really|actually|truly|fully|properly)\s+)?"
    r"(understand|know|get|grasp|remember|understood)\b",
    # A mock interview, exam-style problems, what interviewers ask: "run a mock interview on RAG with me", "exam-style
    # problems on backpropagation", "what do interviewers typically ask about quantization?"
    r"\bmock\s+interviews?\b",
    r"\b(exam|test|quiz|interview|textbook)[-\s]style\s+(questions?|problems?|exercises?)\b",
    r"\binterviewers?\b.{0,30}\bask\b",
    r"\b(asked|ask|come\s+up)\s+in\s+(an?\s+|my\s+)?(\w+\s+)?interviews?\b",
    r"面试题",
    r"面经",
    r"模拟面试",
    r"闪卡|记忆卡|抽认卡",
    # "大模型面试里关于微调一般会问什么", "面试常问哪些 RAG 的问题".
    r"面试[^，。,.？?]{0,16}?(会|常|一般|通常|经常|可能|都|喜欢)[^，。,.？?]{0,4}?问",
    r"出(一|几|两|三)?(道|个|套|组)[^，。,.？?]{0,20}题",  # "出道手推的计算题"
    r"考考我",
    r"考我",
    r"出(?!现|错).{0,3}题",  # "出道题", not "出现问题"
    # "出几道注意力机制的题", "给我几道 RLHF 的练习".
    r"(出|来|给我|做)(几|一些|些|点|一|两|三|五|十)(道|个|组|套|些)?[^，。,.？?]{0,20}(题|练习|测验)",
    r"考(一下|一考)我",
    # A check of what the learner knows ("测试一下我对 BERT 的理解"), not of their config ("检查一下我的 LoRA 配置").
    r"(测试|检验|检测|考察|考查|检查)(一下)?我[^，。,.？?]{0,20}(理解|掌握|水平|懂|会|学得)",
    # How well a topic was learned, checked: "帮我检验一下注意力机制学得怎么样", "测测 LoRA 掌握得如何".
    r"(测试|测测|检验|检测|考察|考查|检查|验证)(一下)?[^，。,.？?]{0,20}(学|掌握|理解|懂)得(怎么样|如何|怎样|好不好|牢不牢|扎不扎实)",
    # A test asked for with no number: "来个 RLHF 的小测试", "给我一套 LoRA 测验"; not "给我个 LoRA 的测试脚本".
    r"(出|来|给我|做)(个|套|份|一个|一套|一份)[^，。,.？?]{0,20}(小测|测验|考试|测试(?!代码|脚本|集|用例|数据|程序|样例))",
    r"(测试|测验|自测|模拟)题|自测",
    r"八股",
    r"练习题",
    r"问我",
)


AFTER_FOLLOWUP = _rx(
    r"^\W*(and\s+)?(then\s+)?(what(\s+comes|'s|\s+is)?\s+)?(after\s+(that|this)|next)\W*$",
    r"^\W*and\s+then\W*$",
    r"^\W*then\s+what\W*$",
    r"^\W*(and\s+|so\s+|then\s+)?what('s|\s+comes|\s+is|\s+do\s+i\s+(learn|study))?\s+next\s+after\s+(that|this|it)\W*$",
    r"^\W*(and\s+)?(what\s+)?after\s+(that|this|it)\W*$",
    r"^\W*(那)?(然后|接下来|之后|再之后|再然后|那之后|下一步|再往后)(呢|(该|要|再)?(学什么|学啥)呢?)?\W*$",
)


# "why?" after a plan or a next answer: why its first step (or the step named) is there.
WHY_FOLLOWUP = _rx(
    r"^\W*why\b",
    r"^\W*(how\s+come|what\s+for)\b",
    r"^\W*(那)?(为什么|为啥|为何|凭什么)",
    r"(为什么|为啥|为何)[^，。,.]{0,12}\W*$",
)


# "more" / "换一个": the next page of the same search.
MORE_FOLLOWUP = _rx(
    r"^\W*(show\s+me\s+|give\s+me\s+|any\s*)?(more|others?|another(\s+one)?|something\s+else|anything\s+else)"
    r"(\s+(resources?|links?|materials?|ones?|please))?\W*$",
    r"^\W*next\s+page\W*$",
    r"^\W*(那)?(换一个|换一批|换个|换些|还有吗|还有呢|还有别的吗?|还有其他的?吗?|更多|再来(一些|一点|点|几个)?|下一页)"
    r"(资料|的)?(吗|呢)?\W*$",
)


# "中文的" / "in English": the same search, resources in that language.
LANGUAGE_FOLLOWUP = (
    (
        "zh",
        _rx(
            r"^\W*(有|要|给我|来点)?(中文|汉语)(的|版)?(资料|资源|版本?)?(吗|呢)?\W*$",
            r"\b(in\s+)?chinese(\s+(ones?|resources?|version))?\W*$",
        ),
    ),
    (
        "en",
        _rx(
            r"^\W*(有|要|给我|来点)?(英文|英语)(的|版)?(资料|资源|版本?)?(吗|呢)?\W*$",
            r"\b(in\s+)?english(\s+(ones?|resources?|version))?\W*$",
        ),
    ),
)


# "I know X" / "我学过X" / "我已经会X了": X is known for the rest of the conversation.
KNOW_STATEMENT = _rx(
    r"\bi\s+(already\s+)?know\b",
    r"\bi('ve|\s+have)?\s+(already\s+)?(learned|learnt|studied)\b",
    r"我?(已经)?(学过|学会|会了|懂了|掌握了|学完了)",
    r"我(已经)?(会|懂)",
    r"我(已经|终于)?(?<!没)(?<!不)(搞|弄)(懂|明白|清楚)",  # "我搞懂 DPO 了"; not "我还没搞懂"
)


NEXT = _rx(
    r"\bwhat(\s+should|\s+do|\s+can)?\s+i\s+(learn|study|do|read)\s+next\b",
    r"\bnext\s+(topic|step)s?\b",
    # "suggest the next thing I should study", "what to learn next", "which subject should I tackle next?"
    r"\bnext\s+(thing|subject|area|skill|concept)s?\s+((that\s+)?i\s+(should|could|can|need\s+to|ought\s+to|might)\s+|"
    r"to\s+|for\s+me\s+to\s+)(learn|study|read|tackle|pick\s+up|focus\s+on|look\s+into|work\s+on)\b",
    r"\b(to|should|could|can|i)\s+(learn|study|tackle|pick\s+up|focus\s+on)\s+next\b",
    # Which one now: "which topic should I pick up now?", "what subject do I start on today?"
    r"\b(which|what)\s+(topic|subject|area|one)\s+(should|do|can|would|shall)\s+i\s+(pick\s+up|learn|study|start|tackle|"
    r"do|choose|pick|open|take\s+on|focus\s+on)\b[^,;.?!]{0,20}?\b(now|today|next)\b",
    # What to move on to, dig into afterwards: "what would you recommend I move on to once I'm through GPT?"
    r"\bwhat\b.{0,40}\b(move\s+on\s+to|dig\s+into|go\s+on\s+to|turn\s+to)\b",
    r"\b(i|we|to)\s+((should|could|can|would|might|ought\s+to)\s+)?(dig\s+into|move\s+on\s+to|focus\s+on|explore|"
    r"work\s+on)\s+(afterwards?|after\s+(that|this)|later(\s+on)?|next)\b",
    r"\bwhat\s+next\b",
    r"\bwhat'?s\s+next\b",
    r"\bafter\s+(learning|finishing|i\s+(learn|finish))",
    r"\b(learn|study|read|tackle|do)\s+after\b",  # "what should I study after the BERT paper"
    r"\bafter\s+\S+\s*\?*$",
    # What follows a topic, or what now that one is done: "what comes after LoRA", "I finished BERT, now what?",
    # "once I know attention, where do I go from here?". Asked before PROGRESS reads "I finished" as a report.
    r"\bwhat\s+((should|would|will|does|do)\s+)?(comes?|goes?)\s+(after|next)\b",  # "what should come next"
    r"\b(logical|natural|obvious|sensible)\s+(next|follow-?up|continuation)\b",  # "the logical follow-up"
    r"\b(good|natural|logical|sensible|next)\s+follow-?ups?\s+(to|after|for|on)\b",  # "a good follow-up to X"
    # Where to from here, said as a metaphor or tersely: "what's the next stop?", "level up to what?", "time to branch
    # out, into what?", "what's the follow-on topic?", "rag finally clicked for me. next?"
    r"\bnext\s+(stop|level|move|destination|milestone)\b",
    r"\blevel\s+up\b",
    r"\bbranch\s+out\b",
    r"\bfollow-?on\s+(topic|subject|area|thing|step)s?\b",
    r"[.!,;:]\s*next\s*\?+\W*$",
    # A topic asked for, not a resource: "suggest a topic to dive into", "throw a new topic at me"; not "recommend a
    # topic-modeling tutorial".
    r"\b(suggest|recommend|throw|give|pick|find)\s+(me\s+)?(a\s+)?(new\s+|fresh\s+|different\s+)?(topic|subject)(?![-\w])",
    # "which topic should I tackle?", "GANs or diffusion models, which one should I pick up this week?"
    r"\b(which|what)\s+(topic|subject|area|one)\s+(should|do|can|would|shall)\s+i\s+(pick\s+up|learn|study|tackle|do|"
    r"choose|pick|take\s+on|focus\s+on|go\s+for)\b\s*(this\s+(week|weekend|month)|tonight|today|now|next)?\s*(\?|$)",
    r"\b(what|which)\s+(topics?|subjects?|areas?)\b.{0,40}\blead\s+(to|into)\b",  # "which topics does BERT lead to"
    # What others take up next: "what do people usually study once they've got RLHF down?"
    r"\bwhat\s+do\s+(people|folks|most\s+people|learners|students)\s+((usually|typically|normally|generally)\s+)?"
    r"(study|learn|tackle|move\s+on\s+to)\s+(after|once|next|when)\b",
    # Chosen for the learner: "pick something for me to study right now", "choose a topic for me to learn".
    r"\b(pick|choose|suggest|recommend|find)\s+(me\s+)?(something|a\s+topic|one|a\s+subject)\s+(for\s+me\s+)?to\s+"
    r"(study|learn|tackle|work\s+on|focus\s+on)\b",
    r"^\W*(and\s+|so\s+)?what\s+follows\b(?!\s+from\b)",  # a question; not "... judged with what follows"
    # What to take up later: "what would you suggest I pick up afterwards?", "what should I study after that".
    r"\b(i|we|to)\s+((should|could|can|would|might|ought\s+to)\s+)?(learn|study|read|tackle|pick\s+up|take\s+up|"
    r"look\s+into)\s+(afterwards?|after\s+(that|this)|later(\s+on)?)\b",
    # What follows a topic in a line of study: "which topic naturally follows tokenization?"; not "what follows
    # from this result" (a consequence).
    r"\b(what|which)\s+((topics?|subjects?|concepts?|ideas?|things?|areas?|models?|methods?|one)\s+)?"
    r"((naturally|usually|typically|normally|generally|logically|then|directly)\s+)?follows?\b(?!\s+from\b)",
    r"\b(now|then)\s+what\b",
    r"\bwhat\s+now\b",
    r"\bwhere\s+(do|should|can)\s+i\s+go\s+(from\s+(here|there)|next|now)\b",
    r"\bwhere\s+(to\s+)?(go\s+)?next\b|\bwhere\s+to\s+(go\s+)?(from\s+here|now)\b",  # "where to next?", terse
    # What builds on a topic: "what topic builds on attention", "which subjects build on top of BERT"; not what
    # a topic builds on ("what does BERT build on", a question about its foundations).
    r"\b(what|which)\s+((topics?|subjects?|concepts?|ideas?|things?|areas?|models?|methods?)\s+)?"
    r"(builds?|build(s|ing)?|is\s+built|are\s+built)\s+(up\s+)?on\b",
    r"\b(once|after|now\s+that|when)\s+i('ve|\s+have)?\s+(know|learned|learnt|finished|mastered|completed|understand|"
    r"got|done)\b.*\b(what|which|where)\b(?!\s*('s|is|are|was|were|does|did)\b)",  # not "..., what is DPO?"
    r"\b(once|after|now\s+that|when)\s+i('m|\s+am)\s+(through|done|finished)\b.*\b(what|which|where)\b"
    r"(?!\s*('s|is|are|was|were|does|did)\b)",
    r"\bhaving\s+(covered|learned|learnt|finished|mastered|completed|done|studied)\b.*\b(what|which|where)\b"
    r"(?!\s*('s|is|are|was|were|does|did)\b)",
    r"下一步",
    r"接下来",
    r"(之后|以后|然后|后面|后边|往后|接着)(该|要|应该|可以|再)?(学|看|整|搞|干|冲|攻|啃)",  # "BERT 后面学什么", "接着整点啥"
    r"继续(学|看|整|搞|干|冲|攻|啃)(点|些)?(啥|什么|哪)",  # "继续学点啥"; not "我想继续学 LoRA，有什么资料"
    # With a word of habit or advice between: "X 之后一般学什么", "以后通常都学啥", "后面最好学什么".
    r"(之后|以后|然后|后面|后边|往后|接着)(一般|通常|往往|大多|多半|大家|最好|建议|还|又)(都)?(该|要|应该|可以|能|会|再)?(学|看)",
    r"下一(个|门|项)[^，。,.？?]{0,6}(学|看|主题|话题)",  # "下一个学什么"
    # What to learn from here: "下面学点啥", "接下去该看什么", "还能学点什么"; not "下面这段代码" (below).
    r"(下面|接下去|再下来)(该|要|应该|可以|再)?(学|看)(点|些)?(什么|啥|哪)",
    r"还(能|可以)(再)?(学|看)(点|些)?(什么|啥|哪)",
    # Where to head from a topic: "还能往哪个方向走", "接下来往哪方面深入"; not "梯度往哪个方向走" (a question
    # about the topic).
    r"(还能|还可以|可以再|接下来|然后|再)往哪(个|些)?(方向|方面|块)?(走|发展|深入|学|钻研|拓展|扩展|延伸|进|冲|攻)",
    # Said as a metaphor or tersely: "下一站去哪", "下一阶段该进哪个主题", "想升级一下", "想换个新坑", "PPO之后呢",
    # "能引出哪些后续主题", "哪些主题是建立在自注意力之上的".
    r"下一(站|阶段|关)",
    r"(想|要|准备)(升级|进阶)(一下)?(?=[，,。.!！?？\s]|$)",  # not "想进阶学习 RLHF 有什么资料"
    r"(换|开)(个|一个)?新坑",
    r"^[^，。,.？?]{1,20}(之后|以后|后面)呢\W*$",
    r"(课程|路线|学习计划|大纲)(里|中|上)?[，,]?[^。？?]{0,20}(后面|之后|接下来)(是|接|学)(什么|啥|哪)",  # "在课程里，X后面是什么"
    r"(哪些|什么|啥)(的)?后续(的)?(主题|话题|方向|知识)|后续(的)?(主题|话题|方向|知识)(有|是)(哪些|什么|啥)",
    r"(哪些|什么)(主题|话题|内容|知识)?(是)?建立在[^，。,.？?]{1,20}(之上|上面|基础上)",
    r"先学什么$",
    # What to learn now: "现在该学哪个", "不知道现在该碰哪个主题", "帮我挑个主题", "TF-IDF后面紧跟着的是哪块内容".
    r"(现在|今天|今晚|目前|这会儿|眼下|这周|周末)(该|要|应该|可以|最好|能)?(学|看|碰|搞|干|做|整)(点|些)?"
    r"(哪个|哪块|哪些|啥|什么)(?![^，。,.？?]{0,6}(资料|视频|论文|教程|课|书))",
    r"(帮我|给我)(挑|选|定|推荐)(个|一个|一下)?[^，。,.？?]{0,10}(主题|话题|方向|要学的)",
    r"推荐(一)?(个|些|几个)?[^，。,.？?]{0,4}(主题|话题)(?![^，。,.？?]{0,6}(的)?(资料|视频|论文|教程|课|书))",
    r"(后面|之后|以后)(紧跟着|紧接着|跟着|接着)(的)?(是)?(哪|什么|啥)",
    r"(挑|选)(哪个|哪一个|哪些|什么)(主题|话题|方向|知识点|内容)?(来)?学",
    # "反向传播之后该往哪继续学".
    r"(之后|以后|然后|后面|接下来)(该|要|应该|可以|再)?往哪(里|儿|个方向)?(继续|接着)?(学|走|深入)",
    r"(学完|看完|读完|学会|掌握了?|搞懂|弄懂).{0,30}(之后|以后|后)",  # "看完 BERT 之后…"
    r"再学什么",
)


# A step of a computation, not of a learning path: "自注意力里 softmax 之后接下来是哪一步计算" explains attention.
COMPUTATION_STEP = _rx(
    r"(哪一步|哪个步骤|什么步骤|哪一层|哪个操作|什么操作)(计算|运算|操作|处理)?",
    r"(计算|运算)(步骤|过程|流程)",
)


# A resource about what comes next in something: "any good video on what comes after pretraining?" is a find.
RESOURCE_ABOUT = _rx(
    r"\b(videos?|papers?|tutorials?|courses?|books?|blogs?|posts?|articles?|lectures?|talks?)\s+(on|about|covering|"
    r"explaining|that\s+explains?)\b"
)


# What must come before a goal: a plan for it, never a next list ("what should I learn before RLHF",
# "学 RLHF 之前要学什么"). "要学 RLHF 得先学什么" names its goal ("要学 X") and asks what comes first: before X too.
# "学 BERT 前": 前 alone after what is to be learned means before; not 前面/前馈/前沿/前提 nor 目前, 眼前.
_ZH_BEFORE = (
    r"(学|学习|看|读|入门|接触|上手)[^，。,.？?]{1,30}?(?<![目眼当提从跟面向])前(?![面边后沿景言者期缀向馈端台提置])"
)


_ZH_PREPARE = r"(前面|事先|提前)(要|得|需要|该)?(铺垫|准备|打好?|补)"  # "想啃 FlashAttention，前面要铺垫哪些？"


BEFORE = _rx(
    r"\bbefore\b",
    r"之前|前置",
    _ZH_PREPARE,
    _ZH_BEFORE,
    r"(要|想|打算|准备|为了|如果要|如果想)(学|学习|学会|学懂|搞懂|弄懂|掌握|入门|看懂)[^，。,.？?]{1,30}[，,]?\s*"
    r"(得|要|应该|该|需要|必须|最好)?先",
)


# "Where do I start?" asks what to learn first: a next list on its own, a plan when it names a goal ("我想学
# RAG，该从哪开始").
START = _rx(
    r"\bwhere\s+(should|do|can)\s+i\s+(start|begin)\b",
    r"\bwhere\s+to\s+(start|begin)\b",
    r"\bwhat\s+(should|do|can|would|shall)\s+i\s+(learn|study|read|tackle|pick\s+up)\s+first\b",
    r"从哪(里|儿)?(开始|入门|入手|学起)",
    # What to learn first: "which topic do I open first?", "第一个该学什么", "一开始应该学啥".
    r"\b(which|what)\s+(topic|subject|area|one|thing)\s+(should|do|can|would|shall)\s+i\s+(pick\s+up|learn|study|start|"
    r"tackle|do|choose|pick|open|take\s+on|focus\s+on)\b[^,;.?!]{0,20}?\bfirst\b",
    r"(第一个|第一步|首先|最先|一开始|最开始)(该|要|应该|得|可以)?(学|看)(什么|啥|哪)",
)


PLAN = _rx(
    r"\bbefore\b",
    r"\bprereq",
    r"\bprerequisites?\b",
    r"\bhow\s+(do|can|should|would)\s+i\s+(get\s+to|learn|master|start\s+with|understand)\b",
    r"\bpath\s+to\b",
    r"\broadmap\s+(to|for)\b",
    r"\blearning\s+(plan|path)\b",
    r"\bplan\s+for\b",
    r"\bget\s+to\b",
    r"\bwhat\s+do\s+i\s+need\s+(to\s+know\s+)?(for|to)\b",
    r"\bstudy\s+plan\b",
    # "a week-by-week schedule for learning RAG", "a timetable to master LoRA".
    r"\b(schedule|timetable|curriculum)\s+(for|to)\s+(learn|learning|study|studying|master|mastering|get\s+into)\b",
    r"\b(week-by-week|weekly|day-by-day|daily|month-by-month)\s+(plan|schedule|timetable)\b",
    # How to get to, prepare for or order the study of X ("from zero to X", "in what order should I learn X").
    r"\bhow\s+(do|can|should|would|could)\s+i\s+(get\s+started|approach|go\s+about|work\s+up\s+to|reach|go\s+from|"
    r"get\s+from|(begin|start)(\s+(with|learning|studying|on)\b|\W*$))",
    r"\bhow\s+to\s+(learn|study|master|get\s+started|approach|go\s+from|get\s+from|"
    r"(begin|start)(\s+(with|learning|studying|on)\b|\W*$))",
    r"\b(get|go|start|starting|come|coming)\s+from\s+(zero|scratch|nothing)\b",
    r"\bfrom\s+(zero|scratch|nothing|(a\s+|an?\s+|total\s+|complete\s+)?(beginner|novice|newbie))\s+to\b",
    r"\bget\s+started\s+(with|on|in)\b",
    # Planning the study of X, or wanting to learn X: "I want to learn RLHF, how should I plan it?", "help me plan
    # DPO", "I'd like to learn LoRA"; not "I want to learn what LoRA is" (an explain), "...more about X" nor
    # "I want to learn (something)" (no subject to plan).
    r"\b(help\s+me|how\s+(should|do|can|would|could)\s+i|let'?s|can\s+you)\s+plan\b",
    r"\bplan\s+(it|this|that|out|my|the)\b",
    r"\bi\s*('d|\s+would)?\s+(want|like|plan|hope|need)\s+to\s+(learn|study|master|get\s+into|pick\s+up)\b"
    r"(?!\s+(what|how|why|whether|about|more|something|anything|stuff|new|things?)\b|\W*$)",
    r"\b(prepare|get\s+ready)\s+(myself\s+)?(to\s+(learn|study|read|tackle)|for\s+(learning|studying|reading))\b",
    # The same in Chinese: "我想学 DPO", "打算系统地学 RLHF"; not "想学 DPO 的资料" (a find) nor "想学 X 的原理" (an
    # explanation) nor "我想了解一下 LoRA".
    r"^\W*(我)?(很|特别|真的|一直)?(想|打算|准备|希望)(要)?(好好|系统地?|认真)?(学|学习|入门|掌握)"
    r"(?!(点|些|一些|一下|什么|啥))(?!.*(资料|视频|论文|教程|课程?|书|原理|概念|定义|意思|是什么|区别|怎么|如何))",
    # An order to learn in, not the order of a model's layers ("what order are LayerNorm and the residual in").
    r"\b(what|which|right|best|good|sensible)\s+order\b(?=.*\b(learn|study|studying|read|tackle|cover)\b)",
    r"\b(learn|study|studying|read|tackle|cover)\b.*\b(what|which|right|best|good|sensible)\s+order\b",
    r"\border\s+(should|do|can)\s+i\b",
    r"\border\s+(to|of|for)\s+(learn|study|read|learning|studying|reading)\b",
    r"\b(an?|the)\s+order\s+of\s+(topics|subjects|things|steps|lessons)\b",  # "lay out an order of topics to get me there"
    r"\b(learning|study|reading)\s+order\b",
    r"\bpath\s+(to|for|towards?)\b",
    _ZH_PREPARE,
    r"\b(path|route|road|way)\s+there\b",  # "goal: build LLM agents. what's the path there from zero?"
    r"\broadmap\b.{0,30}\b(to|for|on)\b",
    # A route drawn up for the learner: "map out a route for me to reach DPO", "chart a path to X", "lay out my
    # plan"; a "route" as a path of study, not the data's route through a model.
    r"\b(map|lay|chart|sketch|plot|draw|plan)\s+(out|up)?\s*(a|an|the|my|me\s+a)\s+([\w-]+\s+)?"
    r"(route|path|plan|roadmap|way|course)\b",
    r"\broute\s+(for\s+me\s+)?(to|towards?)\s+(reach|learn|get\s+to|master|understand)\b",
    # A way of study from a start to a goal: "the best route from the basics to RLHF", "a path from linear algebra
    # to transformers"; "from the basics up to X".
    r"\b(route|path|road|way|journey|progression)\s+from\b.{1,40}?\bto\b",
    r"\bfrom\s+(the\s+)?(basics|fundamentals|ground\s+up|very\s+beginning|first\s+principles)\s+(up\s+)?to\b",
    # The footing a goal needs: "what groundwork do I need for LoRA?", "which foundations are required for
    # diffusion?"; not "the foundations of X" (what X rests on: explain).
    r"\b(groundwork|foundations?|grounding|basics|background|prior\s+knowledge|prerequisite\s+knowledge)\s+"
    r"(do|does|would|will|should|must)\s+(i|one|you|we)\s+(need|have|want|require)\b",
    r"\b(groundwork|foundations?|grounding|background|prior\s+knowledge)\s+((is|are)\s+)?"
    r"(needed|required|necessary|essential|recommended)\b",
    r"\b(groundwork|grounding|background|prior\s+knowledge|foundations?)\s+for\s+(learning|studying|tackling|"
    r"understanding|reading)\b",
    # An order to study in ("按什么顺序学"), not the order of layers ("LayerNorm 和残差是什么顺序"); not 学习率.
    r"(学|学习)(?!率)[^，。,.？?]{0,12}顺序|按.{0,6}顺序.{0,4}(学|看|读)|顺序.{0,6}(学|看|读)(?!习率)",
    r"(怎么|如何|怎样|该怎么|要怎么)(安排|规划|计划|入手|开始|起步|上手|打基础)",
    r"(安排|规划)(一下)?(学习|我的学习)",
    r"(学|学习)[^，。,.？?]{0,12}(做|需要|要|该|得)?(哪些|什么|些什么|些)?准备",  # not "微调要准备什么数据"
    r"从零(开始)?(学|入门|到)",
    r"零基础.{0,3}(怎么|如何|想|要|该|应该|开始).{0,3}学",
    r"(怎么|如何|怎样)(一步步|一步一步|系统地?|循序渐进地?)",
    r"之前",
    r"前置",
    _ZH_BEFORE,
    r"前提(知识|条件)|预备知识|先决条件|前置条件|必备(的)?(知识|基础)",  # "需要哪些前提知识", "先决条件"
    # From the beginning, by steps: "从头开始学 X", "学 X 应该按什么步骤来"; not "预训练分哪几个步骤" (a model's).
    r"从头(开始)?(学|入门|到)",
    r"(学|学习|入门)(?!率)[^，。,.？?]{0,20}(按|分|走)(什么|哪些|哪几个|几个|怎样的)(步骤|阶段)",
    r"先修",
    r"怎么学",
    r"如何学",
    r"怎样学",
    r"学习(路线|路径|计划)",
    # A plan asked for with the subject inside ("给我一个学习 RLHF 的计划", "帮我制定一个 LoRA 的学习规划").
    r"(学|学习)[^，。,.？?]{0,20}(计划|规划|路线|路径)",
    r"(制定|做|定|列|排)(一个|一份|个|份)?[^，。,.？?]{0,20}(计划|规划)",
    r"先(学|掌握|了解|看|会|懂)(什么|哪些|啥)",  # with a goal (BEFORE) a plan; alone ("先学什么") NEXT
    r"路线图?",
    r"需要(先)?(学|掌握|会|懂)(什么|哪些|啥)",
    r"要(先)?(学|掌握|会|懂)(什么|哪些|啥)",
    r"基础是什么",
    # "入门 LoRA 要先具备哪些基础", "要有什么基础"; not "微调要有什么硬件".
    r"(需要|要|得|应该)(先)?(具备(哪些|什么|啥|些什么)|(有|打下?)(哪些|什么|啥|些什么)(基础|知识|前提))",
    # "学 Transformer 需要什么基础", "看懂 X 需要哪些基础知识", "读懂 BERT 论文要什么知识"; not "微调需要什么数据".
    r"(需要|要|得|应该)(先)?(哪些|什么|啥|些什么)(的)?(基础|知识)",
    r"入门需要",
)


PROGRESS = _rx(
    r"(?<!can\s)(?<!could\s)(?<!should\s)(?<!would\s)(?<!shall\s)(?<!may\s)(?<!do\s)(?<!where\s)"  # "can I read" asks,
    r"(?<!have\s)(?<!did\s)"  # and so do "what have I learned", "did I read"
    # An adverb or two between: "I've now read through the chapter", "I have finally finished X".
    r"\bi\s*('ve|\s+have)?\s+((just|already|now|finally|also|recently|fully|completely|mostly|actually|officially)\s+)"
    r"{0,2}(finished|completed|done\s+with|watched|read|learned|learnt|studied|"
    r"wrapped\s+up|got\s+through|worked\s+through|went\s+through|mastered)\b",
    # Done with it, or done doing it: "I'm finally done reading the DPO paper", "I am through studying LoRA".
    r"\bi('?m|\s+am)\s+((finally|just|now|already|all|completely|fully|officially)\s+){0,2}(done|through|finished)\s+"
    r"(with|reading|watching|studying|learning|going\s+through|working\s+through|taking)\b",
    r"\bmark\b.*\b(done|finished|learned|complete)\b",
    r"\b(ticked|checked|crossed)\s+off\b",  # "ticked off DPO today"
    # Understood at last: "I understand self-attention now", "I finally grasp LoRA", "I've got the hang of BPE".
    r"\bi\s+((really|fully|totally)\s+)?(understand|grasp|comprehend)\b[^,;.?!]{1,60}?\b(now|at\s+last|finally)\b",
    r"\bi\s+(finally|now)\s+((really|fully|totally)\s+)?(understand|grasp|comprehend|get)\b",
    r"\bi('ve|\s+have)\s+((finally|now|just)\s+)?(got\s+the\s+hang\s+of|figured\s+out|wrapped\s+my\s+head\s+around|"
    r"got\s+my\s+head\s+around)\b",
    # At ease with it: "I'm comfortable with embeddings and softmax now"; not "I'm not comfortable with ...".
    r"\bi('m|\s+am)\s+((now|fairly|pretty|quite|very|totally|fully|already|finally)\s+)?(comfortable|confident|familiar|solid)"
    r"\s+with\b",
    # With no subject, as in a chat: "Just got through the DPO paper.", "Finished the attention lecture!",
    # "Watched Karpathy's tokenizer video and understood most of it."
    r"^\W*(just|finally|now)\s+(finished|completed|got\s+through|went\s+through|worked\s+through|wrapped\s+up|read|"
    r"watched|studied|learned|learnt|done\s+with)\b",
    r"^\W*(finished|completed|got\s+through|wrapped\s+up|done\s+with|watched|studied|learned|learnt|understood)\b",
    r"\bi\s+(already\s+)?know\b",
    r"我?(已经)?(学完|看完|读完|做完|学会|掌握|上完|听完)了",
    # Just done, 了 or not: "我刚看完LoRA论文", "刚读完 BERT 论文", "我终于学完注意力机制".
    r"(我|^\W*)(刚|刚刚|已经|终于|总算)(学|看|读|做|上|听|刷)完",
    # Understood, the topic inside: "我搞懂 DPO 了", "我已经弄明白注意力机制了"; not "我还没搞懂 DPO".
    r"我(已经|终于)?(?<!没)(?<!不)(搞|弄)(懂|明白|清楚)了?[^，。,.？?]{0,30}了\W*$",
    r"我(已经)?学过",
    # Learned, the topic inside: "我已经学会 LoRA 了", "我终于掌握了注意力机制"; not "我还没学会 LoRA".
    r"我(已经|终于|总算)(学会|掌握|学完|看完|读完)",
    r"我(?<!没)(学会|掌握)(了)?[^，。,.？?]{1,30}了\W*$",
    r"(学完|看完|读完|完成|上完|听完|刷完|啃完|追完)(了|啦|喽|咯)",
    # "感觉自注意力终于整明白了", "终于把 RLHF 弄明白了".
    r"(终于|总算|彻底|基本)(把[^，。,.？?]{1,20}?)?(搞|弄|整|闹)(懂|明白|清楚)",
    r"标记.*(完成|学完|已学)",
    r"我(已经)?(会|懂)了?",
)


# A question about the learner's own progress ("how am I doing so far?", "我的学习进度怎么样", "我学到哪了"), not a
# report of it: the progress intent with no topic, so it is never searched for nor offered to be marked done.
PROGRESS_ASK = _rx(
    r"\bhow\s+(am\s+i|'m\s+i|have\s+i\s+been)\s+doing\b",
    r"\b(my|our)\s+(study\s+|learning\s+|overall\s+)?progress\b",
    # "have I made any progress this week?", "am I making progress?", "how much progress have I made?"
    r"\b(have|did|am|do)\s+i\s+(really\s+|actually\s+)?(made|make|making|achieved?|achieving)\s+"
    r"(any|much|some|enough|real|good|decent)?\s*progress\b",
    r"\bhow\s+much\s+progress\b",
    r"\bhow\s+far\s+(have\s+i\s+(got|gotten|come)|along\s+am\s+i|am\s+i)\b",
    # "what have I covered up to now?", "how much have I finished to date?"
    r"\b(what|how\s+much)\s+have\s+i\s+((already|actually|really)\s+)?(learned|learnt|done|finished|covered|studied|"
    r"completed)(\s+(so\s+far|up\s+(to|till|until)\s+now|until\s+now|till\s+now|to\s+date|yet|already|lately|"
    r"recently|(this|last)\s+(week|month)))?\W*$",
    r"(我的|我)(学习)?进度|学习进度|进度(怎么样|如何|怎样)",
    r"学到(哪|什么地方|第几)",
    r"我[^，。,.？?]{0,8}?学(了|过|完了)(多少|哪些|什么)(内容|东西|知识|主题|话题)?(了|呢)?\W*$",  # "我到现在学了哪些"
    # "到目前为止我完成了多少", "我一共搞定了几个主题".
    r"我[^，。,.？?]{0,8}?(完成|学完|看完|做完|搞定|掌握)了?(多少|哪些|几个|几门|几成)(内容|东西|知识|主题|话题)?(了|呢)?\W*$",
    r"(学习|学)的?(情况|进展)(怎么样|如何|怎样)",
    r"我[^，。,.？?]{0,6}学(得|的)(怎么样|如何|怎样|咋样)(了)?(?!才)",  # "我现在学得咋样了"
)


EXPLAIN = _rx(
    r"\bwhat\s+(is|are|'s)\b",
    r"\bwhat\s+happens\b",  # "in beam search, what happens after each step's candidates are scored?"
    r"\bwhat'?s\b",
    r"\bexplain\b",
    r"\bdefine\b",
    r"\bdefinition\b",
    r"\bmeaning\s+of\b",
    r"\btell\s+me\s+about\b",
    r"\bhow\s+does\b.*\bwork",
    r"\bintro(duction)?\s+to\b",
    r"\boverview\s+of\b",
    r"\bbackground\s+(on|of|about|to)\b",  # "give me some background on BERT" (not "background reading on")
    r"是什么",
    r"什么是",
    r"啥是",
    r"是啥",
    r"解释",
    r"介绍一下",
    r"介绍",
    r"原理",
    r"讲讲",
    r"讲一下",
    r"含义",
    r"概念",
)


FIND = _rx(
    r"\bfind\b",
    r"\brecommend",
    r"\bresources?\b",
    r"\bmaterials?\b",
    r"\blinks?\b",
    r"\bwhere\s+can\s+i\b",
    r"\bwhere\s+(is|are)\s+(a|an|the|some|any)\b",  # "where is a good explanation of attention?"
    r"\b(good|best|clear)\s+(explanation|introduction|tutorial|write-?up)s?\b",
    r"\bany\s+good\b",
    r"\bshow\s+me\b",
    r"\bgive\s+me\b",
    r"\blooking\s+for\b",
    r"\bsearch\b",
    r"\bsuggest",
    r"哪里有",
    r"哪有",
    r"推荐",
    r"资料",
    r"资源",
    r"教程",
    r"找",
    r"链接",
    r"有没有",
    r"给我",
)


# What a learner asks for when they ask whether there is one ("is there a tutorial on X", "do you have notes on X").
_RESOURCE_NOUN = (
    r"(tutorial|guide|walk-?through|video|course|lecture|paper|book|blog|article|post|resource|material|notes|"
    r"write-?up|notebook|introduction|intro|explanation|explainer|overview|cheat-?sheet|slides)s?"
)


# Asking where to find something is a search even when it names an explanation ("where can I find a good
# introduction to RL" wants resources, not our two-line definition): checked before EXPLAIN.
WHERE_FIND = _rx(
    # Whether there is one: "is there a tutorial on X", "do you have a good video about X", "got any notes on X";
    # a resource word within three words, so "is there a difference between X and Y" stays a question.
    rf"\b((is|are)\s+there|do\s+you\s+(have|know)|have\s+you\s+got|^\W*got)\s+(a|an|any|some)\s+([\w-]+\s+){{0,3}}"
    rf"{_RESOURCE_NOUN}\b",
    r"\b(point|direct|send)\s+me\s+(to|at|towards?)\b",  # "can you point me to a tutorial for DPO?"
    r"\bwhere\s+(can|could|do|should|would|might)\s+i\s+(find|get|read|learn|watch|look|start\s+reading)\b",
    r"\bwhere\s+(is|are)\s+(a|an|the|some|any)\b",
    r"\bwhere\s+to\s+(find|read|learn|get)\b",
    r"\b(any|a)\s+good\s+(introduction|intro|explanation|tutorial|resource|material|overview)s?\b",
    r"\b(recommend|suggest)\b",
    r"哪里(有|能|可以|找)",
    r"哪儿(有|能|可以|找)",
    r"在哪(里|儿)?(能|可以)?(找|看|学|下载)",
    r"有没有.{0,20}(资料|教程|视频|课程|文章|书|讲解|介绍|博客|入门)",
    r"推荐.{0,12}(资料|教程|视频|课程|文章|书|入门)",
    r"(好|入门|学习)资料",
)


# Who or which paper introduced X ("who introduced the transformer", "Transformer 是谁提出的", "提出 LoRA 的论文"):
# an ask for the paper that introduced it, as search reads it (query.WANTS_HINTS "paper" and "origin"), so a
# find, not our two-line definition of X. One list of phrasings for both: routing and search cannot disagree.
ORIGIN_WANTS = ("paper", "origin")


KIND_FOLLOWUP = _rx(
    r"\binstead\b",
    r"^\W*(what|how)\s+about\s+(a|an|some)\b",
    r"^\W*(a|an|any|some)\s+\w+\s*(instead)?\W*$",
    r"换成",
    r"换个",
    r"换一个",
    r"^\W*(那)?有没有.{0,6}(视频|论文|课程|代码|书|数据集)",
    r"^\W*(给我)?(来个|来点)",
)


# A question whose subject is a pronoun or a demonstrative ("who introduced it?", "is there a video about this
# paper?", "这篇论文是谁写的", "那它之前要学什么"): when it names no topic of its own it is about the subject of
# an earlier turn. "this" / "that" count only alone or before a word for a subject: "this week", "a course that
# covers ..." point at nothing said before.
_SUBJECT_NOUN = (
    r"(topic|subject|paper|article|method|model|concept|idea|technique|architecture|approach|algorithm|thing|"
    r"one|term|field|area|framework|library|tool|task|mechanism|trick|layer)s?"
)


PRONOUN_SUBJECT = _rx(
    r"\b(it|its|itself|they|them|their|theirs)\b",
    rf"\b(this|that|these|those)\s+{_SUBJECT_NOUN}\b",
    r"\b(this|that|these|those)\s*([?？.!。,，]|$)",
    r"\b(is|was|are|were|does|did|do|can|will|would|should|has|have|how|why|explain|about|on|of|for)\s+"
    r"(this|that|these|those)\b(?!\s+(week|month|year|time|morning|evening|weekend|semester|term)\b)",
    r"它们?",
    r"(这|那)(个|些|种|篇|本|门|套|一(个|篇|种))(?!月|星期|礼拜|周|学期|时候|年|阶段)",
    r"(这|那|该)(方法|模型|技术|概念|算法|架构|论文|文章|主题|话题|东西|领域|框架|工具|机制|思路)",
    r"^\W*(那)?这(是|有|要|该|怎么|为什么|为啥)",
)


# An "it" or a "that" that points at nothing ("what is it like to ...", "got it", "that makes sense"): taken out
# before PRONOUN_SUBJECT looks.
NOT_PRONOUN = _rx(
    r"\bwhat('s|\s+is|\s+was|\s+would\s+be)\s+it\s+like\b",
    r"\bhow('s|\s+is)\s+it\s+going\b",
    r"^\W*(ok(ay)?|great|cool|nice|got\s+it|i\s+see|i\s+get\s+it|that('s|\s+is)\s+(it|all|great|good|nice|cool|"
    r"helpful|clear|enough|fine|right)|that\s+(helps|helped|makes\s+sense)|this\s+(is\s+)?(great|helpful|good))\b",
)


TOPIC_FOLLOWUP = _rx(r"^\W*(and\s+)?(what|how)\s+about\b", r"^\W*那.{1,30}呢\W*$", r"^\W*.{1,30}呢\W*$")


CHITCHAT = _rx(
    r"^\W*(hi|hello|hey|thanks|thank\s+you|good\s+(morning|afternoon|evening|night|day)|bye)\b",
    # Thanks in other words: "cheers, that was helpful", "much appreciated", "that was really useful".
    r"^\W*(cheers|thx|ty|many\s+thanks|much\s+appreciated|(i\s+)?appreciate\s+(it|that|the\s+help))\b",
    r"^\W*(that|this|it)\s*('s|\s+is|\s+was|\s+has\s+been)\s+((really|very|super|so|quite|extremely)\s+)?"
    r"(helpful|useful|great|clear|perfect)\W*(thanks?|thank\s+you|cheers)?\W*$",
    # Asking after the assistant ("how are you today?", "你最近好吗"): small talk, not a search for its words.
    r"^\W*(hey\s+|hi\s+)?(how\s+(are\s+you|are\s+things|is\s+it\s+going|'s\s+it\s+going|do\s+you\s+do)|what'?s\s+up|"
    r"nice\s+to\s+meet\s+you)\b",
    r"^\W*(你好|您好|嗨|谢谢|多谢|再见|早上好|早安|下午好|晚上好|晚安|辛苦了)",
    r"你(最近|今天)?(好吗|怎么样|还好吗)",
    r"\bweather\b",
    r"\bjoke\b",
    r"天气",
    r"笑话",
    r"\bwho\s+are\s+you\b",
    r"你是谁",
    r"\bwhat\s+can\s+you\s+do\b",
    # "what kinds of things can you help me with?", "what sort of questions can you answer?"
    r"\bwhat\s+((kinds?|sorts?|types?)\s+of\s+)?(things|stuff|questions|tasks)\s+(can|do|could)\s+you\s+(help|do|answer|handle)\b",
    r"^\W*help\W*$",
    r"你能做什么",
    r"你会什么",
    r"怎么用",
)


# What asks for a plan, taken out of the question to leave its subject ("学习知识图谱之前要学什么" -> "知识图谱").
PLAN_WORDS = _rx(
    r"\bbefore\b",
    r"\bprereq\w*",
    r"\bpath\s+to\b",
    r"\broadmap\s+(to|for)\b",
    r"\blearning\s+(plan|path)\b",
    r"\bstudy\s+plan\b",
    r"\bplan\s+for\b",
    r"\bget\s+to\b",
    # Longer phrasings first: the alternation takes the first that matches at a position ("get started with").
    r"\bwhere\s+(should|do|can)\s+i\b|\b(if\s+)?i\s+want\s+to\b|\bget\s+started\s+(with|on|in)\b",
    r"\b((div(e|ing)|jump(ing)?|get(ting)?)\s+into|tackl(e|ing))\b",
    r"\b(master|start\s+with|understand(ing)?)\b",
    r"\b(get(ting)?|go(ing)?|start(ed|ing)?|begin(ning)?|come|coming|reach|approach|prepare|ready|work\s+up)\b",
    r"\b(from\s+)?(an?\s+)?(total\s+|complete\s+)?(zero|scratch|nothing|beginner|novice|newbie)\b",
    r"\b(order|path|roadmap|steps?|good|best|right|sensible|give|study(ing)?|pieces?|parts?|'s)\b",
    r"\b(map|lay|chart|sketch|plot|draw|route|way|course|me)\b",
    r"\b(help|plan(ned|ning)?|out|let'?s|like|hope|pick\s+up|get\s+into)\b|'d\b",  # "help me plan it", "I'd like to"
    # "the best route from the basics to X", "what groundwork is needed for X".
    r"\b(from|to|up|the|basics|fundamentals|ground|first\s+principles|very\s+beginning|road|journey|progression|"
    r"groundwork|foundations?|grounding|background|prior\s+knowledge|prerequisite\s+knowledge|needed|required|"
    r"necessary|essential|recommended|need|have|require|take|follow)\b",
    r"先决条件|前置条件|必备的?(知识|基础)|基础知识|理解|(?<=先)会|有(?=哪些|什么|啥|些什么)|从头(开始)?|(按|分|走)(什么|哪些|哪几个|几个|怎样的)(步骤|阶段)来?",
    r"之前|前置(知识)?|前提(知识|条件)|预备知识|先修|怎么学|如何学|需要|应该|掌握",
    r"(?<![目眼当提从跟面向])前(?![面边后沿景言者期缀向馈端台提置])",  # "学 BERT 前"
    # "给我一个学习 X 的计划", "帮我制定 X 的规划", "为了学会 X，最好先…", "要学 X 得先学什么".
    r"给我|帮我|制定|一个|一份|为了|(得|要|该|最好|必须)先|学会|学懂|搞懂|弄懂|看懂|懂|(?<![查])看|读|具备|(得|要)有|打下?(?=(哪些|什么|啥|些什么)?基础)",
    r"我?想学|从零|零基础|从哪(里|儿)?|从|顺序|按|以|安排|规划|计划|准备|入手|开始|起步|上手|打基础|一步步|一步一步|系统地?|循序渐进地?|"
    r"做|哪|该|比较好|好|怎样|怎么样|怎么|如何|是|样|学起|一下|到|些",
)


# A clause about the learner's background: what they know, or have never touched ("I know Python and linear
# algebra, where do I start?", "Total beginner, never touched ML. Which topic do I open first?", "我会 Python，该从哪开始").
BACKGROUND = _rx(
    r"\bi\s+(already\s+)?know\b",
    r"\bi('ve|\s+have)?\s+(already\s+)?(learned|learnt|studied)\b",
    r"我(已经)?(学过|学会了|会了|懂了|掌握了|学完了|会|懂)|已经(学过|学会了|会了|懂了|掌握了|学完了)",
    r"\b(who\s+)?knows\b",
    r"\bi('ve|\s+have)\s+(already\s+)?(done|taken|finished|completed)\b",
    r"\bi('m|\s+am)\s+((fairly|pretty|quite|very|already)\s+)?(comfortable|familiar|fluent|good|solid)\s+(with|at|in)\b",
    r"\bnever\s+(touched|used|studied|learned|learnt|done|seen|tried|worked\s+with)\b",
    r"\bno\s+([\w-]+\s+){0,2}(background|experience)\b",
    r"(没|从没|从来没)(有)?(接触|学|碰|用|做)过",
    r"(会|懂)(一点|一些|点)",
    r"零基础",
)


GOAL = _rx(r"\b(want|wanna|would\s+like|hope|plan|planning|trying|goal|aim)\b", r"想|打算|准备|目标|希望|为了")


NEVER = _rx(r"\bnever\b", r"\bno\s+([\w-]+\s+){0,2}(background|experience)\b", r"没|零基础")


# The same question about one subject ("what have I learned about LoRA so far?", "RLHF 我学到哪了"): where the
# learner stands on the way to it. Asked before PROGRESS, which reads "学完了吗" as a record of having finished.
PROGRESS_ON = _rx(
    r"\bwhat\s+(have|did)\s+i\s+((already|actually|really)\s+)?(learned|learnt|learn|done|do|finished|finish|covered|"
    r"cover|studied|study|read|completed)\s+(about|on|of|in|for|from|toward|towards)\b",
    r"\bhow\s+(am\s+i|'m\s+i|have\s+i\s+been)\s+doing\s+(with|on|in|at)\b",
    r"\bhow\s+far\s+(along\s+)?(am\s+i|have\s+i\s+(got|gotten|come|gone))\s+(with|on|in|into|toward|towards|through)\b",
    r"\bhow\s+close\s+am\s+i\s+to\b",
    r"\b(have|did|am|do)\s+i\s+(really\s+|actually\s+)?(made|make|making|achieved?|achieving)\s+"
    r"(any|much|some|enough|real|good|decent)?\s*progress\s+(on|with|in|toward|towards)\b",
    r"\bhow\s+much\s+of\b.{1,40}?\b(have|did)\s+i\s+((already|actually)\s+)?(learned|learnt|learn|done|do|finished|"
    r"finish|covered|cover|studied|study|read|completed)\b",
    r"\b(my|our)\s+(study\s+|learning\s+)?progress\s+(on|with|in|toward|towards|through|for)\b",
    r"\bwhere\s+(am\s+i|do\s+i\s+stand)\s+(with|on|in)\b",
    # Whether it is done: "have I already learned attention?", "did I finish LoRA?".
    r"\b(have|did)\s+i\s+((already|ever|actually|really)\s+)?(learned|learnt|learn|finished|finish|completed|complete|"
    r"studied|study|covered|cover|mastered|master|marked)\b",
    r"学到(了)?(哪|什么地方|第几|什么程度)",
    r"学(得|的)(怎么样|如何|怎样|咋样)(?!才)",  # not "BERT 学得怎么样才算入门", a question about the topic
    r"(我的|我)[^，。,.？?]{0,20}?(学习)?进度|学习进度|进度(怎么样|如何|怎样)",
    r"我[^，。,.？?]{0,8}?(学|看|读|掌握|完成|搞定)(了|过)(多少|哪些|什么|几)",
    r"(学|看|读)(完|会|过)(了)?(没有|吗|没)\W*$",
    r"离[^，。,.？?]{0,20}还(差|有)(多远|多少|几步)",
)


# A why about two topics asks for the path between them when it speaks of the order of learning ("why attention
# before transformers?", "why do I need tokenization for BERT?", "为什么要先学注意力再学 Transformer"); else it
# asks about the topics themselves ("why does layer normalization matter in transformers?": an explanation).
LEARNING_ORDER = _rx(
    r"\b(before|after|first|then|earlier|later|order|sequence|prereq\w*|prior|precede\w*|ahead\s+of)\b",
    r"\b(need|needed|needs|require|required|requires|necessary)\b.{0,40}?\b(for|to|before)\b",
    r"先|再|之前|以前|前面|后面|之后|以后|顺序|前置|排在|基础",
)


# Which of two named topics to learn first, or whether one is needed before the other: "should I learn BERT or GPT
# first?", "which comes first, attention or transformers?", "do I need linear algebra before deep learning?", "is
# backprop a prerequisite for RNNs?", "can I learn QLoRA without LoRA?", "can I skip word2vec and go straight to
# BERT?", "先学 BERT 还是先学 GPT", "LoRA 和 QLoRA 先学哪个", "学 QLoRA 需要先学 LoRA 吗", "反向传播是 RNN 的前置
# 知识吗", "不学 LoRA 能直接学 QLoRA 吗". Read only where two topics are named (intents.py); "what should I learn
# before RLHF?" names one and asks for a plan.
ORDER_OF_TWO = _rx(
    r"\bor\b[^.?!;:]{1,60}?\bfirst\b",
    r"\bfirst\b[^.?!;]{0,40}?\bor\b",
    r"\b(before|after)\s+or\s+(before|after)\b",
    r"\bwhich\s+(one\s+|topic\s+|of\s+(them|the\s+two|these|those)\s+)?(comes?|goes|should\s+(i\s+)?(come|go|learn|"
    r"study|do|start\s+with)|do\s+i\s+(learn|study|start\s+with)|to\s+(learn|study|start\s+with))\s+first\b",
    r"\b(in\s+)?(what|which)\s+order\s+(should|do|would|can)\s+i\b",
    r"\b(the\s+other\s+way\s+(a)?round|vice\s+versa)\b",
    r"^(?!.*\b(what|which\s+topics|anything|everything)\b).*\b(do|would|will|should)\s+i\s+(really\s+)?(need|have)\s+"
    r"to\s+(know|learn|study|understand|master|do|finish)\b.{1,60}\b(before|first)\b",
    r"^(?!.*\b(what|which\s+topics|anything|everything)\b).*\bdo\s+i\s+(really\s+)?need\b.{1,60}\b(before|first|for)\b",
    r"^(?!.*\b(what|which\s+topics|anything|everything)\b).*\bshould\s+i\s+(learn|study|know|do|finish|read)\b"
    r"\s+(?!before)\S.{0,60}\bbefore\b",
    # asked, not stated: "is backprop a prerequisite for RNNs?", not "start with X because it is needed for Y."
    r"^\s*(is|are)\b.{1,50}\b(a\s+|an\s+)?(prerequisites?|prereqs?|required|necessary|needed|a\s+must|essential)\s+"
    r"(for|to|before)\b",
    r"\b(is|are)\b.{1,50}\b(a\s+|an\s+)?(prerequisites?|prereqs?|required|necessary|needed|a\s+must|essential)\s+"
    r"(for|to|before)\b[^.!]*\?\s*$",
    # "does QLoRA need LoRA?", not "how does BERT build on the transformer?" (an explanation)
    r"^(?!.*\b(how|what|why|in\s+what\s+way)\b).*\bdoes\b.{1,50}\b(require|need|build\s+on|depend\s+on|assume|"
    r"presuppose)\b",
    r"\bcan\s+i\s+(learn|study|do|start|understand|tackle|get\s+into|jump\s+into)\b.{1,50}\bwithout\b",
    r"\bskip\b.{1,50}\b(and\s+)?(go|jump|move|head)\s+(straight|directly|right)?\s*(in)?to\b",
    r"\bskip\b.{1,50}\band\s+(learn|study|start|do|read)\b",
    r"\bcan\s+i\s+skip\b",
    r"\bstart\s+with\b.{1,60}\bor\b",
    r"\bor\s+(jump|go|dive|head|move)\s+(right\s+|straight\s+|directly\s+)?(in)?to\b",
    r"\b(worth|necessary|needed|required)\s+(learning|studying|knowing|doing)\b.{0,30}\b(before|first)\b",
    r"\b(sensible|right|best|correct|good|logical|recommended|natural)\s+order\b",
    r"\border\s+(to|should\s+i|do\s+i)\s+(learn|study|tackle|take)\b",
    r"\b(is\s+it\s+(ok|okay|fine|possible)|is\s+it\s+better)\s+to\s+(learn|study|start\s+with|do)\b.{1,50}"
    r"\b(before|first|or|without)\b",
    r"先学[^，。？?！!]{1,30}?还是|还是[^，。？?！!]{0,30}?先学|[^，。？?！!]还是先",
    r"先学哪|哪(个|一个|样|门)(应该)?先学|哪(个|一个)(在前|排前面|更基础)|先后顺序|学习顺序|谁先谁后",
    # A study order, not the order of a model's parts ("LayerNorm 和残差连接是什么顺序"): a verb of study with it.
    r"^(?=.*(学|看|读|入门)).*(什么顺序|顺序是(怎样|怎么样|什么))",
    r"(需要|要|得|必须|一定要|应该)先(学|懂|掌握|会|了解|学会|搞懂)[^，。？?！!]{1,30}(吗|么|嘛|不|没)",
    r"要不要先(学|懂|掌握|了解|学会)|是否(需要|要|必须)先|必须先[^，。？?！!]{1,20}才",
    r"是[^，。？?！!]{1,30}的(前置|基础|先修)(知识|课程|条件)?(吗|么|嘛)|是不是[^，。？?！!]{1,30}的(前置|基础|先修)",
    r"不(学|懂|会|了解)[^，。？?！!]{1,30}(能|可以|能不能)(直接)?(学|看|上手)",
    r"跳过[^，。？?！!]{1,30}(直接|先)",
    r"(是不是|是否|需不需要|用不用|要不要)(得|要|需要|必须|应该)?先",
    r"顺序(对|合理|正确|可以|行)(吗|么|不)|(这个|这样的?)顺序",
    r"先学[^，。？?！!]{1,30}再学[^，。？?！!]{1,30}(对|可以|行|合理|好)(吗|么|不)",
    r"在[^，。？?！!]{1,30}(之前|以前|前面)(学|看)(吗|么|嘛|比较好|更好)",
)


# Asking for the reason of an order with no "why" first: "I don't get why GPT is scheduled before RLHF", "what makes
# fine-tuning a prerequisite for LoRA?", "学习路线里把分词排在词向量前面，理由是什么", "学 RAG 前怎么还得先学句向量".
REASON = _rx(
    r"\bwhy\b",
    r"\bhow\s+come\b",
    r"\b(reasons?|logic|rationale)\b",
    r"\bis\s+there\s+a\s+reason\b",
    r"\bwhat\s+makes\b.{1,60}\bprereq",
    r"为什么|为啥|为何|凭什么|理由|原因|道理|怎么还(得|要)|干嘛(要)?先",
)


WHY_ALONE = _rx(r"^\W*why\W*$", r"^\W*(那)?(为什么|为啥|为何)(呢|啊)?\W*$")


# Two topics set side by side: "difference between BERT and GPT", "LoRA vs QLoRA", "how does GRU differ from LSTM?",
# "is self-attention the same as attention?", "how are RNNs and LSTMs related?", "LSTM和GRU有什么区别", "BERT 跟 GPT
# 有什么不同", "RLHF 与 DPO 的异同", "对比一下 LoRA 和 QLoRA". Read only where two topics are named (intents.py).
# Not "对比学习" (contrastive learning, a topic) nor "比较" alone, which is also "fairly" ("比较好的资料").
COMPARE = _rx(
    r"\bdiffer(s|ed|ent|ence|ences|ing)?\b",
    r"\b(vs|versus)\b\.?",
    r"\bcompar(e|ed|es|ing|ison|isons)\b",
    r"\bcontrast(s|ed|ing)?\b(?!ive)",
    r"\b(similarit(y|ies)|distinguish|distinction)\b",
    r"\b(the\s+same|similar)\s+(as|to)\b",
    r"\b(the\s+same(\s+thing)?|identical|interchangeable)\b",  # "are RLHF and DPO basically the same thing"
    r"\bhow\s+(are|is|do|does)\b.{1,60}\brelated\b",
    r"\b(relation(ship)?|connection)\s+between\b",
    r"\b(pros\s+and\s+cons|trade-?offs?)\b.{0,20}\b(of|between)\b",
    r"\bwhich\s+(is|one\s+is)\s+better\b",
    r"区别|差别|差异|异同|区分|不同|不一样|一样吗|相同|相似|联系|关系|优劣|优缺点|哪个(更)?好|两样|差在哪",
    r"对比(?!学习|损失|式)|相比|比较(一下|下|起来)|(的|做个?|进行)比较|比起",
)


# Still on it: "I'm still learning LoRA", "currently working through RLHF", "I haven't finished LoRA yet", "just
# started on DPO", "我正在学 LoRA", "LoRA 还没学完", "刚开始学 DPO", "BERT 学了一半". A record to confirm as learning.
# Not "在学 RLHF 之前" (before learning it: a plan, checked first).
LEARNING_NOW = _rx(
    r"\bi('m|\s+am)\s+(still\s+|currently\s+|now\s+|just\s+)?(learning|studying|working\s+(on|through)|"
    r"going\s+through|in\s+the\s+middle\s+of|halfway\s+through|partway\s+through)\b",
    r"\bi\s*('ve|\s+have)?\s+(just\s+)?(started|begun|began)\s+(learning|studying|on|reading|working\s+on)\b",
    r"\bi\s+(haven'?t|have\s+not|didn'?t|did\s+not)\s+(quite\s+|fully\s+|completely\s+)?(finish(ed)?|complete(d)?|"
    r"get\s+through|got\s+through)\b",
    r"\bnot\s+(quite\s+|yet\s+)?(done|finished)\s+with\b",
    r"^\W*(still|currently|now|just\s+started)\s+(learning|studying|working\s+(on|through)|going\s+through|on)\b",
    r"(正在|我在|我还在|目前在|现在在|还在)(学|看|读|啃|研究)|还没(学|看|读)完|没(学|看|读)完|刚(开始)?(学|接触)|"
    r"(学|看|读)(了|到)一半",
)

# Not done after all: "unmark LoRA", "mark LoRA as not done", "I don't actually know LoRA", "LoRA 我其实还不会",
# "把 LoRA 标记为未完成", "取消 LoRA 的完成标记". Not "I don't know what LoRA is" nor "我不懂 LoRA 是什么": questions.
NOT_DONE = _rx(
    r"\bunmark\b",
    r"\bmark\b.{1,40}\b(as\s+)?(not\s+(done|finished|known|complete|learned)|undone|unfinished|todo|to-?do|incomplete)\b",
    r"\bi\s+(don'?t|do\s+not)\s+(actually|really)\s+know\b(?!\s+(what|how|why|where|if|whether|which|when|who))",
    r"\bi\s+(haven'?t|have\s+not|didn'?t|did\s+not)\s+(actually|really)\s+(learned|learnt|learn|studied|study)\b",
    r"\bnot\s+(actually\s+)?(done|finished|learned)\s+after\s+all\b",
    r"取消.{0,12}(标记|完成)|(标记|标)(为|成)(未完成|没完成|未学|待学|没学)|其实(还)?(不会|没学会|没学过|没掌握|不懂|没懂)(?!.*(是什么|什么意思|怎么|为什么))",
)

"""Routing probe: natural questions a learner would type, each with the intent it should route to.

Tuning material, not a test half: the phrasings here were written before looking at how the router handles
them, and the router's families were then widened until the probe read right. A fix is a general phrasing
family in assistant/intents.py, tested in tests/test_intents.py with new sentences, never one probe sentence.
Run it with `python -m bench.routing_probe`. No test functions here, so pytest collects nothing from it.

HOLDOUT was written after the first fixes, before it was run; its misses then showed more families, so it is
tuning material now too. HOLDOUT2 was written after those, before it was run, and is never tuned on: its figure
was the honest one until its misses were fixed by families (it is spent now). HOLDOUT3 was written before those
fixes and before it was run, and was scored once before and once after them (13/30, 13/30); it is tuning material
since HOLDOUT4 was written: its misses were fixed by families (30/30). HOLDOUT4 was written before those fixes and
before it was run, is never tuned on (its misses are not read), and was scored once before and once after them:
15/30 before, 15/30 after. PROBE stays 60/60 and HOLDOUT2 24/24.

TUNE5 and HOLDOUT5 (bottom) are the halves of a set a helper wrote on 2026-12-03 without reading the router or the
sets above, split once before either was run. Scored before the TUNE5 fixes: TUNE5 34/40, HOLDOUT5 32/40, HOLDOUT4
15/30; after them (a why about two topics is the path only when it speaks of the order; "the next thing I should
study"; "I understand X now", "Just got through X", "我刚看完X" as records): TUNE5 39/40, HOLDOUT5 33/40, HOLDOUT4
17/30. One HOLDOUT4 miss was seen before these fixes (printed by a command's last line, 2026-12-03): a why with no
"why" word; nothing was fixed for it, and it is still a miss by the count of its intent.

Half English, half Chinese, over every intent the router has (assistant.intents.INTENTS). A plan for "what
comes before X" is the intent "plan"; "what comes after X" is "next".
"""

from __future__ import annotations

PROBE: list[tuple[str, str]] = [
    # English
    ("what comes after LoRA?", "next"),
    ("I finished the BERT paper, now what?", "next"),
    ("once I know attention, what next?", "next"),
    ("what should I study after transformers", "next"),
    ("what's a good next step for me?", "next"),
    ("is there a tutorial on tokenization?", "find"),
    ("any good video about RLHF?", "find"),
    ("recommend a blog post explaining DPO", "find"),
    ("do you have a paper on LoRA", "find"),
    ("I want to learn RLHF, how should I plan it?", "plan"),
    ("what do I need to know before studying DPO?", "plan"),
    ("give me a study plan for transformers", "plan"),
    ("what are the prerequisites for BERT?", "plan"),
    ("what does attention mean?", "explain"),
    ("can you explain how LoRA works", "explain"),
    ("tell me about tokenization", "explain"),
    ("how does BERT work?", "explain"),
    ("quiz me on attention", "quiz"),
    ("test my knowledge of LoRA", "quiz"),
    ("give me some practice questions on transformers", "quiz"),
    ("how am I doing so far?", "progress"),
    ("show me my progress", "progress"),
    ("I just finished reading about DPO", "progress"),
    ("I've completed the RLHF lecture", "progress"),
    ("why do I need tokenization before BERT?", "why"),
    ("why does the plan put attention before transformers?", "why"),
    ("thanks!", "chitchat"),
    ("good morning", "chitchat"),
    ("who are you?", "chitchat"),
    ("how are you today?", "chitchat"),
    # Chinese
    ("学完 LoRA 接下来学什么", "next"),
    ("我已经学完注意力机制了，然后呢", "next"),
    ("掌握了 Transformer 以后该学什么", "next"),
    ("BERT 后面学什么", "next"),
    ("要学 RLHF 得先学什么", "plan"),
    ("学 LoRA 之前需要掌握哪些知识", "plan"),
    ("我想学 Transformer，应该怎么安排", "plan"),
    ("给我一个学习 RLHF 的计划", "plan"),
    ("想入门强化学习，学习路线是什么", "plan"),
    ("有没有 LoRA 的教程", "find"),
    ("推荐几个讲 BERT 的视频", "find"),
    ("DPO 的原始论文在哪", "find"),
    ("找一篇关于分词的博客", "find"),
    ("注意力机制是怎么工作的", "explain"),
    ("解释一下 RLHF", "explain"),
    ("什么叫 LoRA", "explain"),
    ("Transformer 的原理是什么", "explain"),
    ("出几道注意力机制的题", "quiz"),
    ("给我出几道 LoRA 的练习题", "quiz"),
    ("测试一下我对 BERT 的理解", "quiz"),
    ("来几道 DPO 的题目考我", "quiz"),
    ("我的学习进度怎么样", "progress"),
    ("我现在学到哪了", "progress"),
    ("我看完了 BERT 的论文", "progress"),
    ("DPO 我已经学会了", "progress"),
    ("为什么要先学注意力机制再学 Transformer", "why"),
    ("为什么 RLHF 要排在 DPO 前面", "why"),
    ("谢谢", "chitchat"),
    ("你是谁", "chitchat"),
    ("早上好", "chitchat"),
]

# Written after the PROBE fixes and before running them (14/24); its misses were then fixed by families.
HOLDOUT: list[tuple[str, str]] = [
    ("I'm through with the attention chapter, what should come next?", "next"),
    ("having learned BERT, what's the logical follow-up?", "next"),
    ("can you point me to a tutorial for DPO?", "find"),
    ("I'm looking for slides on tokenization", "find"),
    ("what must I understand first before tackling RLHF?", "plan"),
    ("lay out a path for me to learn LoRA", "plan"),
    ("in simple words, what is a transformer?", "explain"),
    ("ask me three questions about attention", "quiz"),
    ("can I get a few practice problems on BERT?", "quiz"),
    ("what's my progress so far?", "progress"),
    ("I just wrapped up the LoRA paper", "progress"),
    ("hi, who am I talking to?", "chitchat"),
    ("看完 BERT 之后下一个学什么好", "next"),
    ("DPO 学完了，接着学啥", "next"),
    ("有 RLHF 相关的课程吗", "find"),
    ("求一个讲分词的视频", "find"),
    ("入门 LoRA 要先具备哪些基础", "plan"),
    ("帮我规划一下 Transformer 怎么学", "plan"),
    ("简单说说注意力机制", "explain"),
    ("给我几道 RLHF 的练习", "quiz"),
    ("考一下我 LoRA 掌握得怎么样", "quiz"),
    ("我到现在一共学了哪些内容", "progress"),
    ("Transformer 我已经看完了", "progress"),
    ("哈喽", "chitchat"),
]

# Written after the HOLDOUT fixes and before running them: reported apart, never tuned on.
HOLDOUT2: list[tuple[str, str]] = [
    ("ok I've got the hang of LoRA, where to next?", "next"),
    ("what topic builds on attention?", "next"),
    ("know of any decent course covering RLHF?", "find"),
    ("I need a reference for the BERT paper", "find"),
    ("map out a route for me to reach DPO", "plan"),
    ("which topics should I cover before diving into transformers?", "plan"),
    ("could you break down how tokenization works?", "explain"),
    ("what exactly is RLHF?", "explain"),
    ("hit me with a couple of questions on LoRA", "quiz"),
    ("let's do a quick quiz about DPO", "quiz"),
    ("have I made any progress this week?", "progress"),
    ("I've now read through the attention chapter", "progress"),
    ("学会 RLHF 以后还能学点什么", "next"),
    ("Transformer 之后一般学什么", "next"),
    ("求推荐 LoRA 的学习视频", "find"),
    ("有什么讲 DPO 的文章吗", "find"),
    ("零基础怎么学到 RLHF", "plan"),
    ("学 BERT 前需要哪些前提知识", "plan"),
    ("通俗讲一下分词", "explain"),
    ("注意力机制到底是干什么的", "explain"),
    ("出一套 Transformer 的小测验", "quiz"),
    ("拿 LoRA 的问题考考我吧", "quiz"),
    ("我最近的学习情况如何", "progress"),
    ("我搞懂 DPO 了", "progress"),
]

# Written after HOLDOUT2's figure (15/24) and before any of its misses were fixed, before it was run: over every
# intent (why and chitchat too), half English, half Chinese, in phrasings none of the lists above nor
# tests/test_intents.py use. Scored once before the HOLDOUT2 fixes and once after (13/30, 13/30); tuning material
# since HOLDOUT4 was written (its misses fixed by families: 30/30).
HOLDOUT3: list[tuple[str, str]] = [
    # English
    ("I'm comfortable with BERT now, what would you suggest I pick up afterwards?", "next"),
    ("which topic naturally follows tokenization?", "next"),
    ("what's the best route from the basics to RLHF?", "plan"),
    ("what groundwork do I need for LoRA?", "plan"),
    ("can you dig up a good notebook on attention?", "find"),
    ("I'd love a video walkthrough of DPO", "find"),
    ("help me understand what a transformer is", "explain"),
    ("what's the idea behind tokenization?", "explain"),
    ("check whether I really understand attention with a few questions", "quiz"),
    ("drill me on RLHF", "quiz"),
    ("I'm finally done reading the DPO paper", "progress"),
    ("what have I covered up to now?", "progress"),
    ("why is LoRA listed ahead of DPO in my plan?", "why"),
    ("cheers, that was helpful", "chitchat"),
    ("good evening! what's your name?", "chitchat"),
    # Chinese
    ("LoRA 差不多弄明白了，下面学点啥", "next"),
    ("BERT 学得差不多了，还能往哪个方向走", "next"),
    ("学 RLHF 需要什么先决条件", "plan"),
    ("从头开始学 Transformer 应该按什么步骤来", "plan"),
    ("想看一些 BERT 的讲解视频", "find"),
    ("LoRA 有什么好的入门书", "find"),
    ("用大白话说说 DPO", "explain"),
    ("分词具体指的是什么", "explain"),
    ("来个 RLHF 的小测试", "quiz"),
    ("帮我检验一下注意力机制学得怎么样", "quiz"),
    ("Transformer 的课我已经上完了", "progress"),
    ("到目前为止我完成了多少", "progress"),
    ("为啥要先学分词才能学 BERT", "why"),
    ("你叫什么名字", "chitchat"),
    ("拜拜，明天见", "chitchat"),
]

# Written after HOLDOUT3's second figure (13/30) and before any of its misses were fixed, before it was run: over
# every intent, half English, half Chinese, on topics and in phrasings none of the lists above use. Never tuned
# on: scored once before the HOLDOUT3 fixes and once after (15/30, 15/30); its misses are not read to fix them.
HOLDOUT4: list[tuple[str, str]] = [
    # English
    ("PPO finally clicked for me, what should I explore beyond it?", "next"),
    ("I've nailed down dropout, what should I move on to?", "next"),
    ("could you draw up a schedule for mastering RAG?", "plan"),
    ("what background should I have before attempting diffusion models?", "plan"),
    ("where can I read something good about quantization?", "find"),
    ("are there any good handouts on LSTMs you would recommend?", "find"),
    ("walk me through the intuition of softmax", "explain"),
    ("can you clarify what knowledge distillation actually does?", "explain"),
    ("put me to the test on GANs", "quiz"),
    ("could you set me a short exam on backpropagation?", "quiz"),
    ("just got through the whole VAE tutorial", "progress"),
    ("which topics have I already ticked off?", "progress"),
    ("how come softmax shows up before attention in my plan?", "why"),
    ("what's the reason PPO is a prerequisite for RLHF?", "why"),
    ("hey there, long time no see", "chitchat"),
    # Chinese
    ("PPO 已经搞定了，后续该学哪块", "next"),
    ("学会了 LSTM，进阶的话可以看什么", "next"),
    ("打算学扩散模型，能帮我排个学习顺序吗", "plan"),
    ("想弄懂 CLIP，我得先补哪些课", "plan"),
    ("给我几个 GAN 的学习链接", "find"),
    ("能不能发我一份 VAE 的讲义", "find"),
    ("给我讲讲 Adam 优化器", "explain"),
    ("softmax 怎么理解", "explain"),
    ("我想刷几道反向传播的题", "quiz"),
    ("随便问我几个关于 LSTM 的问题", "quiz"),
    ("量化那一章我刚读完", "progress"),
    ("看看我已经学过哪些了", "progress"),
    ("先学 softmax 再学注意力，这样安排的理由是什么", "why"),
    ("辛苦了，谢啦", "chitchat"),
    ("晚安", "chitchat"),
]


# Written 2026-12-03 by a helper who read neither the router's code nor the sets above (80 messages, half English,
# half Chinese, spread over every intent), then split once, per intent and language by the SHA-1 of the text,
# into TUNE5 (fix its misses by families) and HOLDOUT5 (never tuned on; its misses are not printed), both scored
# before any fix.
TUNE5: list[tuple[str, str]] = [
    ('Thanks, that was super helpful!', 'chitchat'),
    ('Any tips for making a good risotto?', 'chitchat'),
    ('今天北京天气怎么样', 'chitchat'),
    ('你都能做些什么？', 'chitchat'),
    ('difference between BERT and GPT', 'explain'),
    ('Why does layer normalization matter in transformers?', 'explain'),
    ('How does byte-pair encoding work?', 'explain'),
    ('positional encoding in transformers', 'explain'),
    ('LSTM和GRU有什么区别', 'explain'),
    ('能通俗解释一下困惑度吗', 'explain'),
    ('给我讲讲混合专家模型的原理', 'explain'),
    ('Link to the original LoRA paper?', 'find'),
    ('Can you recommend a beginner-friendly book on NLP?', 'find'),
    ('Which paper introduced the Transformer?', 'find'),
    ('Any blog posts on KV cache that walk through the math?', 'find'),
    ('求一份Transformer论文原文链接', 'find'),
    ('想找一门系统的深度学习公开课，有推荐吗', 'find'),
    ('推荐几本自然语言处理的入门书', 'find'),
    ('Suggest the next thing I should study.', 'next'),
    ('What should I pick up after tokenization?', 'next'),
    ("Once I'm done with attention, what's the next topic?", 'next'),
    ('注意力机制后面该学啥', 'next'),
    ('接下来学哪个主题比较好？', 'next'),
    ('what math do I need before word2vec', 'plan'),
    ("I'm a backend dev with no ML background. Can you lay out a roadmap to get to fine-tuning LLMs?", 'plan'),
    ('Which topics should I cover before tackling the Transformer architecture?', 'plan'),
    ('学DPO之前需要先掌握哪些知识？', 'plan'),
    ('我是做后端的，想转大模型微调，帮我规划一下学习顺序', 'plan'),
    ('想入门BERT，应该怎么开始？', 'plan'),
    ('I understand self-attention now, finally!', 'progress'),
    ('Just got through the DPO paper.', 'progress'),
    ('How much of the fine-tuning material have I covered so far?', 'progress'),
    ('我的RLHF学得怎么样了', 'progress'),
    ('我刚看完LoRA论文', 'progress'),
    ('I have an NLP interview Friday, can you test me on tokenization?', 'quiz'),
    ('Quiz me on word2vec.', 'quiz'),
    ('随机问我几个关于RAG的问题，测测我', 'quiz'),
    ('考考我Word2Vec', 'quiz'),
    ('Why is backpropagation placed before RNNs in my learning order?', 'why'),
    ('为什么要先学RNN再学Transformer？', 'why'),
]

HOLDOUT5: list[tuple[str, str]] = [
    ('What kinds of things can you help me with?', 'chitchat'),
    ('hey there, good morning', 'chitchat'),
    ('谢谢你，辛苦了', 'chitchat'),
    ('嗨，你好呀', 'chitchat'),
    ('Can you break down how RoPE rotates query and key vectors?', 'explain'),
    ('ELI5 KL divergence please', 'explain'),
    ('What is DPO?', 'explain'),
    ('为什么残差连接对深层网络这么重要', 'explain'),
    ('BPE分词是怎么工作的', 'explain'),
    ('什么是自注意力？', 'explain'),
    ('位置编码', 'explain'),
    ('Is there a good YouTube video explaining RLHF?', 'find'),
    ('where can I find PyTorch code for a minimal GPT', 'find'),
    ('Looking for a free online course on deep learning, preferably with assignments.', 'find'),
    ('提出BERT的那篇论文是哪篇？', 'find'),
    ('有什么好的中文博客讲KV缓存吗', 'find'),
    ('哪里能找到LoRA微调的代码示例', 'find'),
    ('有没有讲RLHF的B站视频？', 'find'),
    ('No idea where to begin, any suggestion for a first topic?', 'next'),
    ("what's next for me?", 'next'),
    ('学完词向量之后接着学什么好', 'next'),
    ('下一步我该学什么？', 'next'),
    ('完全零基础，不知道先学哪个', 'next'),
    ('How should I get started learning LoRA?', 'plan'),
    ('study order for RAG pls', 'plan'),
    ('What are the prerequisites for learning DPO?', 'plan'),
    ('RAG的学习路径是什么样的', 'plan'),
    ('能帮我制定一个一个月学会LoRA的计划吗', 'plan'),
    ('学量化需要什么前置知识', 'plan'),
    ('Finished my first RAG project today, it actually works.', 'progress'),
    ('How am I doing overall?', 'progress'),
    ('Transformer我已经基本搞懂了', 'progress'),
    ('今天把反向传播的推导过了一遍', 'progress'),
    ('我现在学到哪了？', 'progress'),
    ('Give me some interview questions on attention.', 'quiz'),
    ('A few practice questions about quantization, please.', 'quiz'),
    ('出几道关于注意力机制的面试题', 'quiz'),
    ('下周面试大模型岗位，来点微调相关的练习题', 'quiz'),
    ("What's the reason tokenization comes ahead of embeddings?", 'why'),
    ('词向量为什么排在BERT前面', 'why'),
]

"""The catalogue of text shown to people — captions, narrative, listing, player and notebook
labels, command-line summaries — as templates per language. Formulas and numbers are filled
in by the printers; only the words live here, so a language is one more table.

>>> message("caption.step", step=1, steps=5, formula="∂f/∂f = 1")
'step 1/5: ∂f/∂f = 1'
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = ["message", "LANGUAGES", "CATALOGUE", "TERMS", "LANGUAGE_NAMES"]

_ENGLISH: Final[Mapping[str, str]] = MappingProxyType({
    # frame captions
    "caption.step": "step {step}/{steps}: {formula}",
    "caption.term": "   (contribution {term} of {terms})",
    "caption.group": "steps {first}–{last}/{steps}: back through {via} = {expression}, "
                     "{upstream} = {value}:  {received}",
    "caption.forward": "forward pass: {output} = {value}; backward pass next ({steps} steps)",
    "caption.graph": "graph of {output}; backward pass next ({steps} steps)",
    "caption.forward_mode": "forward mode from {wrt}: each node's ∂/∂{wrt} in turn "
                            "({steps} steps)",
    "caption.seed": "step {step}/{steps}: the seed, {formula}",
    "caption.seed_zeros": "step {step}/{steps}: the seed, {formula}; {zeros} (they do not "
                          "depend on {wrt})",
    "caption.seed_zero": "step {step}/{steps}: the seed, {formula}; {zeros} (it does not "
                         "depend on {wrt})",
    "caption.work": "{formula} in this pass ({visits} edge visits); the whole gradient: "
                    "{passes} forward passes ({total}) or one reverse pass ({reverse})",
    "caption.work_short": "the whole gradient: {passes} forward passes ({total} edge visits) "
                          "or one reverse pass ({reverse})",
    "caption.work_shortest": "forward mode: {passes} passes, {total} edge visits; reverse: 1 "
                             "pass, {reverse}",
    "caption.forward_mode_one": "forward mode from {wrt}: each node's ∂/∂{wrt} in turn "
                                "(1 step)",
    "caption.paths_none": "no path leads from {wrt} to {output}: {gradient} = 0",
    "caption.paths": "{paths} paths from {wrt} to {output}: their products of partials add "
                     "up to {gradient}",
    "caption.paths_one": "1 path from {wrt} to {output}: its product of partials is "
                         "{gradient}",
    "caption.path": "path {path}/{paths}, {route}: {formula}",
    "caption.path_short": "path {path}/{paths} ({edges} edges): {formula}",
    "caption.path_sum": "sum over the {paths} paths: {formula}",
    "title": "backprop_trace: {source}",
    # narrative (Markdown + LaTeX)
    "narrative.title": "# Backpropagation through ${output}$",
    "narrative.forward": "## Forward pass",
    "narrative.table": "| node | expression | value |",
    "narrative.input": "input",
    "narrative.backward": "## Backward pass",
    "narrative.rule": "Each step adds one term of the chain rule {rule}.",
    "narrative.step": "**Step {step} of {steps}**",
    "narrative.term": " (contribution {term} of {terms})",
    "narrative.gradient": "## Gradient",
    "narrative.chain_rule": "## Chain rule",
    "narrative.forward_mode": "## Forward mode from ${wrt}$",
    "narrative.forward_rule": "Forward mode pushes the derivative with respect to ${wrt}$ "
                              "forward, each operation $u_j = g_j(\\ldots)$ in turn, its "
                              "arguments' derivatives each times a local partial of $g_j$: "
                              "{rule}.",
    "narrative.paths": "## The sum over paths from ${wrt}$",
    "narrative.paths_rule": "Each path from ${wrt}$ to ${output}$ multiplies the partials "
                            "along its edges; the products add up to "
                            "$\\frac{{\\partial {output}}}{{\\partial {wrt}}}$.",
    "narrative.path": "**Path {path} of {paths}**: {route}",
    "narrative.path_sum": "**Their sum**",
    "narrative.work": "## Forward mode or reverse mode?",
    "narrative.work_forward": "Forward mode gives every node's derivative with respect to one "
                              "input per pass: the gradient takes {passes} passes, visiting "
                              "{visits} = {total} edges.",
    "narrative.work_reverse": "One reverse pass gives the derivative of ${output}$ with respect "
                              "to every node: {reverse} edges, the whole gradient.",
    "narrative.work_ratio": "On this graph forward mode does {ratio}× the work of one reverse "
                            "pass. With one output and many inputs (a network's loss and its "
                            "weights), forward mode needs a pass per weight and reverse mode "
                            "one pass in all: that is why backpropagation goes backwards.",
    "narrative.work_one": "With one input, one forward-mode pass and one reverse pass each "
                          "visit the {reverse} edges; with one output and many inputs (a "
                          "network's loss and its weights) forward mode needs a pass per "
                          "input and reverse mode still one: that is why backpropagation goes "
                          "backwards.",
    # the backward pass as code
    "listing.meaning": "# x{bar} means ∂{output}/∂x",
    "listing.forward": "# forward",
    "listing.backward": "# backward",
    "listing.gradient": "# gradient",
    "listing.forward_mode": "# forward mode from {wrt}: v{dot} means ∂v/∂{wrt} for each node v "
                            "(0, and left out, where v does not depend on {wrt})",
    "listing.step": "  # step {step}",
    "listing.term": ", contribution {term} of {terms}",
    # exercise sheets
    "exercise.caption": "exercise: fill in the blanks {blanks} in order, each by the chain "
                        "rule; each wire gives its local partial",
    "exercise.answers": "answers: {blanks}, each by the chain rule",
    "exercise.caption_one": "exercise: fill in the blank (1) by the chain rule; each wire "
                            "gives its local partial",
    "exercise.title": "# Exercise: backpropagation through ${output}$",
    "exercise.answers_title": "# Answers: backpropagation through ${output}$",
    "exercise.given": "The forward pass is done (the table below) and the seed is "
                      "{seed}. Find each blank in order by the chain rule {rule}: the "
                      "wires of the picture give the local partials.",
    "exercise.blanks": "## Blanks",
    "exercise.locals": "## Local partials",
    # the HTML player
    "player.first": "« first",
    "player.first_hint": "first frame (Home)",
    "player.prev": "◀ prev",
    "player.prev_hint": "previous step (←)",
    "player.play": "▶ play",
    "player.pause": "❚❚ pause",
    "player.play_hint": "play / pause (space)",
    "player.next": "next ▶",
    "player.next_hint": "next step (→)",
    "player.last": "last »",
    "player.last_hint": "last frame (End)",
    "player.frame": "frame",
    "player.counter": "frame {k} / {last}",
    "player.zoom_in": "+",
    "player.zoom_in_hint": "zoom in (+; or the mouse wheel{modifier})",
    "player.zoom_out": "−",
    "player.zoom_out_hint": "zoom out (−)",
    "player.fit": "fit",
    "player.fit_hint": "whole frame (0 or double-click); drag to pan when zoomed in",
    "player.ctrl": " with Ctrl",
    # the Beamer file
    "beamer.title": "Backpropagation, one chain-rule term at a time",
    # command-line summaries
    "cli.wrote": "wrote {frames} frames ({formats}) and {others} to {out}/ ({size})",
    "cli.open": "step through them: open {index}",
    "cli.no_picture": "(no picture: {reason})",
})

_CHINESE: Final[Mapping[str, str]] = MappingProxyType({
    # frame captions (full-width punctuation between words, as zh.d2l.ai writes)
    "caption.step": "第 {step}/{steps} 步：{formula}",
    "caption.term": "   （第 {term} 项，共 {terms} 项）",
    "caption.group": "第 {first}–{last} 步（共 {steps} 步）：反向经过 {via} = {expression}，"
                     "{upstream} = {value}，得到 {received}",
    "caption.forward": "前向传播：{output} = {value}；接下来是反向传播（共 {steps} 步）",
    "caption.graph": "{output} 的计算图；接下来是反向传播（共 {steps} 步）",
    "caption.forward_mode": "从 {wrt} 出发的前向模式：依次求每个节点的 ∂/∂{wrt}（共 {steps} 步）",
    "caption.seed": "第 {step}/{steps} 步：种子，{formula}",
    "caption.seed_zeros": "第 {step}/{steps} 步：种子，{formula}；{zeros}（它们不依赖于 {wrt}）",
    "caption.seed_zero": "第 {step}/{steps} 步：种子，{formula}；{zeros}（它不依赖于 {wrt}）",
    "caption.work": "本遍求出 {formula}（访问 {visits} 条边）；整个梯度：前向模式 {passes} 遍"
                    "（访问 {total} 条边）或反向模式一遍（{reverse} 条边）",
    "caption.work_short": "整个梯度：前向模式 {passes} 遍（访问 {total} 条边）或反向模式一遍"
                          "（{reverse} 条边）",
    "caption.work_shortest": "前向模式：{passes} 遍，{total} 条边；反向模式：1 遍，{reverse} 条边",
    "caption.forward_mode_one": "从 {wrt} 出发的前向模式：依次求每个节点的 ∂/∂{wrt}（1 步）",
    "caption.paths_none": "从 {wrt} 到 {output} 没有路径：{gradient} = 0",
    "caption.paths": "从 {wrt} 到 {output} 有 {paths} 条路径：各条路径上偏导数的乘积之和为 "
                     "{gradient}",
    "caption.paths_one": "从 {wrt} 到 {output} 有 1 条路径：路径上偏导数的乘积为 {gradient}",
    "caption.path": "路径 {path}/{paths}，{route}：{formula}",
    "caption.path_short": "路径 {path}/{paths}（{edges} 条边）：{formula}",
    "caption.path_sum": "对 {paths} 条路径求和：{formula}",
    "title": "backprop_trace：{source}",
    # narrative
    "narrative.title": "# ${output}$ 的反向传播",
    "narrative.forward": "## 前向传播",
    "narrative.table": "| 节点 | 表达式 | 值 |",
    "narrative.input": "输入",
    "narrative.backward": "## 反向传播",
    "narrative.rule": "每一步加上链式法则 {rule} 中的一项。",
    "narrative.step": "**第 {step} 步（共 {steps} 步）**",
    "narrative.term": "：第 {term} 项（共 {terms} 项）",
    "narrative.gradient": "## 梯度",
    "narrative.chain_rule": "## 链式法则",
    "narrative.forward_mode": "## 从 ${wrt}$ 出发的前向模式",
    "narrative.forward_rule": "前向模式把关于 ${wrt}$ 的导数沿计算图向前传递：依次处理每个运算 "
                              "$u_j = g_j(\\ldots)$，将其各个参数的导数分别乘以 $g_j$ "
                              "对应的偏导数，再求和，即 {rule}。",
    "narrative.paths": "## 对从 ${wrt}$ 出发的所有路径求和",
    "narrative.paths_rule": "沿从 ${wrt}$ 到 ${output}$ 的每条路径，把各边上的偏导数相乘；"
                            "所有路径的乘积之和就是 "
                            "$\\frac{{\\partial {output}}}{{\\partial {wrt}}}$。",
    "narrative.path": "**路径 {path}（共 {paths} 条）**：{route}",
    "narrative.path_sum": "**它们的和**",
    "narrative.work": "## 前向模式还是反向模式？",
    "narrative.work_forward": "前向模式每一遍求出所有节点关于某一个输入的导数：整个梯度需要 "
                              "{passes} 遍，共访问 {visits} = {total} 条边。",
    "narrative.work_reverse": "反向模式一遍就求出 ${output}$ 关于每个节点的导数：访问 {reverse} "
                              "条边，得到整个梯度。",
    "narrative.work_ratio": "在这个计算图上，前向模式的工作量是反向模式一遍的 {ratio} 倍。"
                            "只有一个输出而输入很多时（例如网络的损失及其权重），"
                            "前向模式需要对每个权重各做一遍，而反向模式总共只需一遍："
                            "这就是反向传播要反向进行的原因。",
    "narrative.work_one": "只有一个输入时，前向模式一遍和反向模式一遍都访问这 {reverse} 条边；"
                          "只有一个输出而输入很多时（例如网络的损失及其权重），"
                          "前向模式需要对每个输入各做一遍，而反向模式仍然只需一遍："
                          "这就是反向传播要反向进行的原因。",
    # the backward pass as code
    "listing.meaning": "# x{bar} 表示 ∂{output}/∂x",
    "listing.forward": "# 前向传播",
    "listing.backward": "# 反向传播",
    "listing.gradient": "# 梯度",
    "listing.forward_mode": "# 从 {wrt} 出发的前向模式：对每个节点 v，v{dot} 表示 ∂v/∂{wrt}"
                            "（v 不依赖于 {wrt} 时为 0，省略不写）",
    "listing.step": "  # 第 {step} 步",
    "listing.term": "，第 {term} 项（共 {terms} 项）",
    # exercise sheets
    "exercise.caption": "练习：按顺序填写空 {blanks}，每一空都用链式法则求出；"
                        "每条边上标出了局部偏导数",
    "exercise.answers": "答案：{blanks}，每一空都由链式法则求出",
    "exercise.caption_one": "练习：用链式法则求出空 (1)；每条边上标出了局部偏导数",
    "exercise.title": "# 练习：${output}$ 的反向传播",
    "exercise.answers_title": "# 答案：${output}$ 的反向传播",
    "exercise.given": "前向传播已经完成（见下表），种子为 {seed}。请用链式法则 {rule} "
                      "依次求出各空的值：图中每条边上标出了局部偏导数。",
    "exercise.blanks": "## 填空",
    "exercise.locals": "## 局部偏导数",
    # the HTML player
    "player.first": "« 第一帧",
    "player.first_hint": "第一帧（Home）",
    "player.prev": "◀ 上一步",
    "player.prev_hint": "上一步（←）",
    "player.play": "▶ 播放",
    "player.pause": "❚❚ 暂停",
    "player.play_hint": "播放 / 暂停（空格键）",
    "player.next": "下一步 ▶",
    "player.next_hint": "下一步（→）",
    "player.last": "最后一帧 »",
    "player.last_hint": "最后一帧（End）",
    "player.frame": "帧",
    "player.counter": "帧 {k} / {last}",
    "player.zoom_in": "+",
    "player.zoom_in_hint": "放大（+，或{modifier}滚动鼠标滚轮）",
    "player.zoom_out": "−",
    "player.zoom_out_hint": "缩小（−）",
    "player.fit": "整帧",
    "player.fit_hint": "显示整帧（0 或双击）；放大后可拖动平移",
    "player.ctrl": "按住 Ctrl ",
    # the Beamer file
    "beamer.title": "反向传播：每次加上链式法则中的一项",
    # command-line summaries
    "cli.wrote": "已写入 {out}/（共 {size}）：{frames} 帧（{formats}），以及 {others}",
    "cli.open": "逐步查看：打开 {index}",
    "cli.no_picture": "（无法生成图：{reason}）",
})

_KOREAN: Final[Mapping[str, str]] = MappingProxyType({
    # frame captions (no particle follows a name or number: 이/가 would depend on it)
    "caption.step": "단계 {step}/{steps}: {formula}",
    "caption.term": "   (항 {terms}개 중 {term}번째)",
    "caption.group": "단계 {first}–{last}/{steps}: 역방향으로 {via} = {expression} 통과, "
                     "{upstream} = {value}:  {received}",
    "caption.forward": "순전파: {output} = {value}; 다음은 역전파 (총 {steps}단계)",
    "caption.graph": "{output}의 계산 그래프; 다음은 역전파 (총 {steps}단계)",
    "caption.forward_mode": "{wrt}에서 시작하는 순방향 모드: 각 노드의 ∂/∂{wrt} 값을 차례로 "
                            "계산 (총 {steps}단계)",
    "caption.seed": "단계 {step}/{steps}: 시드, {formula}",
    "caption.seed_zeros": "단계 {step}/{steps}: 시드, {formula}; {zeros} ({wrt}에 의존하지 "
                          "않음)",
    "caption.seed_zero": "단계 {step}/{steps}: 시드, {formula}; {zeros} ({wrt}에 의존하지 "
                         "않음)",
    "caption.work": "이번 패스로 {formula} 계산 (간선 {visits}개 방문); 전체 그래디언트: 순방향 "
                    "패스 {passes}번 (간선 {total}개) 또는 역방향 패스 1번 (간선 {reverse}개)",
    "caption.work_short": "전체 그래디언트: 순방향 패스 {passes}번 (간선 {total}개 방문) 또는 "
                          "역방향 패스 1번 (간선 {reverse}개)",
    "caption.work_shortest": "순방향 모드: {passes}번, 간선 {total}개; 역방향 모드: 1번, 간선 "
                             "{reverse}개",
    "caption.forward_mode_one": "{wrt}에서 시작하는 순방향 모드: 각 노드의 ∂/∂{wrt} 값을 차례로 "
                                "계산 (1단계)",
    "caption.paths_none": "{wrt} → {output} 경로 없음: {gradient} = 0",
    "caption.paths": "{wrt} → {output} 경로 {paths}개: 각 경로의 편도함수 곱을 모두 더하면 "
                     "{gradient}",
    "caption.paths_one": "{wrt} → {output} 경로 1개: 경로의 편도함수 곱은 {gradient}",
    "caption.path": "경로 {path}/{paths}, {route}: {formula}",
    "caption.path_short": "경로 {path}/{paths} (간선 {edges}개): {formula}",
    "caption.path_sum": "경로 {paths}개의 합: {formula}",
    "title": "backprop_trace: {source}",
    # narrative
    "narrative.title": "# ${output}$의 역전파",
    "narrative.forward": "## 순전파",
    "narrative.table": "| 노드 | 식 | 값 |",
    "narrative.input": "입력",
    "narrative.backward": "## 역전파",
    "narrative.rule": "각 단계에서 연쇄 법칙 {rule}의 항을 하나씩 더합니다.",
    "narrative.step": "**단계 {step}/{steps}**",
    "narrative.term": " (항 {terms}개 중 {term}번째)",
    "narrative.gradient": "## 그래디언트",
    "narrative.chain_rule": "## 연쇄 법칙",
    "narrative.forward_mode": "## ${wrt}$에서 시작하는 순방향 모드",
    "narrative.forward_rule": "순방향 모드는 ${wrt}$에 대한 도함수를 입력 쪽에서 출력 쪽으로 "
                              "전달합니다. 연산 $u_j = g_j(\\ldots)$마다 차례로, 인자들의 "
                              "도함수에 각각 $g_j$의 편도함수를 곱해 더합니다: {rule}.",
    "narrative.paths": "## ${wrt}$에서 시작하는 모든 경로에 대한 합",
    "narrative.paths_rule": "${wrt}$에서 ${output}$까지의 각 경로는 지나는 간선의 편도함수를 "
                            "곱합니다. 이 곱을 모두 더하면 "
                            "$\\frac{{\\partial {output}}}{{\\partial {wrt}}}$입니다.",
    "narrative.path": "**경로 {path}/{paths}**: {route}",
    "narrative.path_sum": "**합**",
    "narrative.work": "## 순방향 모드일까, 역방향 모드일까?",
    "narrative.work_forward": "순방향 모드는 패스 한 번에 입력 하나에 대한 모든 노드의 도함수를 "
                              "구합니다. 전체 그래디언트를 구하려면 패스 {passes}번, 간선 "
                              "{visits} = {total}개 방문이 필요합니다.",
    "narrative.work_reverse": "역방향 패스 한 번으로 모든 노드에 대한 ${output}$의 도함수를 "
                              "구합니다. 간선 {reverse}개를 방문하여 전체 그래디언트를 얻습니다.",
    "narrative.work_ratio": "이 계산 그래프에서 순방향 모드의 작업량은 역방향 패스 "
                            "한 번의 {ratio}배입니다. 출력이 하나이고 입력이 많을 때"
                            "(신경망의 손실과 가중치) 순방향 모드는 가중치마다 패스가 "
                            "한 번씩 필요하지만 역방향 모드는 모두 합쳐 한 번이면 됩니다. "
                            "역전파가 거꾸로 진행하는 이유가 바로 이것입니다.",
    "narrative.work_one": "입력이 하나이면 순방향 모드 패스 한 번과 역방향 패스 한 번이 똑같이 "
                          "간선 {reverse}개를 방문합니다. 출력이 하나이고 입력이 많을 "
                          "때(신경망의 손실과 가중치) 순방향 모드는 입력마다 패스가 한 번씩 "
                          "필요하지만 역방향 모드는 여전히 한 번이면 됩니다. 역전파가 거꾸로 "
                          "진행하는 이유가 바로 이것입니다.",
    # the backward pass as code
    "listing.meaning": "# x{bar}의 뜻: ∂{output}/∂x",
    "listing.forward": "# 순전파",
    "listing.backward": "# 역전파",
    "listing.gradient": "# 그래디언트",
    "listing.forward_mode": "# {wrt}에서 시작하는 순방향 모드: 각 노드 v에 대해 v{dot} = "
                            "∂v/∂{wrt} (v가 {wrt}에 의존하지 않으면 0이므로 생략)",
    "listing.step": "  # 단계 {step}",
    "listing.term": ", 항 {terms}개 중 {term}번째",
    # exercise sheets
    "exercise.caption": "연습: 연쇄 법칙으로 빈칸 {blanks}의 값을 차례로 구하세요 (간선마다 "
                        "국소 편도함수가 적혀 있음)",
    "exercise.answers": "정답: {blanks}, 모두 연쇄 법칙으로 구함",
    "exercise.caption_one": "연습: 연쇄 법칙으로 빈칸 (1)의 값을 구하세요 (간선마다 국소 "
                            "편도함수가 적혀 있음)",
    "exercise.title": "# 연습: ${output}$의 역전파",
    "exercise.answers_title": "# 정답: ${output}$의 역전파",
    "exercise.given": "순전파는 이미 계산되어 있으며(아래 표), 시드는 {seed}입니다. 연쇄 "
                      "법칙({rule})에 따라 빈칸의 값을 차례로 구하세요. 그림의 각 간선에 국소 "
                      "편도함수가 적혀 있습니다.",
    "exercise.blanks": "## 빈칸",
    "exercise.locals": "## 국소 편도함수",
    # the HTML player
    "player.first": "« 처음",
    "player.first_hint": "첫 프레임 (Home)",
    "player.prev": "◀ 이전",
    "player.prev_hint": "이전 단계 (←)",
    "player.play": "▶ 재생",
    "player.pause": "❚❚ 일시정지",
    "player.play_hint": "재생 / 일시정지 (스페이스 바)",
    "player.next": "다음 ▶",
    "player.next_hint": "다음 단계 (→)",
    "player.last": "마지막 »",
    "player.last_hint": "마지막 프레임 (End)",
    "player.frame": "프레임",
    "player.counter": "프레임 {k} / {last}",
    "player.zoom_in": "+",
    "player.zoom_in_hint": "확대 (+ 또는 {modifier}마우스 휠)",
    "player.zoom_out": "−",
    "player.zoom_out_hint": "축소 (−)",
    "player.fit": "전체 보기",
    "player.fit_hint": "프레임 전체 보기 (0 또는 더블클릭). 확대한 뒤에는 끌어서 이동",
    "player.ctrl": "Ctrl + ",
    # the Beamer file
    "beamer.title": "역전파: 연쇄 법칙의 항을 하나씩",
    # command-line summaries
    "cli.wrote": "{out}/에 저장 ({size}): 프레임 {frames}개 ({formats}), {others}",
    "cli.open": "단계별로 보기: {index} 열기",
    "cli.no_picture": "(그림 없음: {reason})",
})

TERMS: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType({
    # English → the word zh.d2l.ai and ko.d2l.ai use, in every message that says it
    "chain rule": {"zh": "链式法则", "ko": "연쇄 법칙"},
    "partial": {"zh": "偏导数", "ko": "편도함수"},
    "gradient": {"zh": "梯度", "ko": "그래디언트"},
    "backward pass": {"zh": "反向传播", "ko": "역전파"},
    "forward pass": {"zh": "前向传播", "ko": "순전파"},
    "forward mode": {"zh": "前向模式", "ko": "순방향 모드"},
    "graph": {"zh": "计算图", "ko": "계산 그래프"},
    "path": {"zh": "路径", "ko": "경로"},
    "step": {"zh": "步", "ko": "단계"},
    "node": {"zh": "节点", "ko": "노드"},
    "edge": {"zh": "边", "ko": "간선"},
    "input": {"zh": "输入", "ko": "입력"},
    "seed": {"zh": "种子", "ko": "시드"},
})
"""The textbook's terms, one word each (ko: 편도함수 and 그래디언트, as ko.d2l.ai's body text
and glossary use; 순전파 and 역전파 as its glossary)."""

CATALOGUE: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {"en": _ENGLISH, "zh": _CHINESE, "ko": _KOREAN})
LANGUAGES: Final = tuple(CATALOGUE)
LANGUAGE_NAMES: Final = MappingProxyType({"en": "English", "zh": "简体中文", "ko": "한국어"})


def message(key: str, lang: str = "en", /, **fields: object) -> str:
    """The catalogue's text for ``key`` in ``lang`` (English where a language lacks it)."""
    if lang not in CATALOGUE:
        raise ValueError(f"unknown language {lang!r} (must be one of {list(LANGUAGES)})")
    template = CATALOGUE[lang].get(key, _ENGLISH[key])
    return template.format(**fields) if fields else template

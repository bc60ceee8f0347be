"""Writes the HF daily-page captures in this folder (how the fixtures were typed; run from the repo root).
papers = [
 ("2604.14125", "DeepSeek-V4: Scaling Sparse Attention to Million-Token Contexts", ("authors", 45), "1.09k", 4, "thumb", "taesiri"),
 ("2604.13877", "Seedance 2.0: Towards Unified Audio-Video Generation", ("org", "ByteDance Seed", "ByteDance-Seed"), "412", 12, "video", "akhaliq"),
 ("2604.12990", "OpenThoughts-Agent: Data Recipes for Terminal-Use Agents", ("authors", 31), "187", 2, "thumb", "ryanmarten"),
 ("2604.14002", "When Do Reasoning Models Overthink? A Token-Level Study of Wasted Computation", ("authors", 7), "96", 0, "thumb", "yfzhang"),
 ("2604.11543", "Qwen3.5-Omni Technical Report", ("org", "Qwen", "Qwen"), "88", 5, "video", "xiongwang"),
 ("2604.13310", "MemoryBench: Do Agents Remember What Users Told Them Last Week?", ("authors", 12), "64", 1, "thumb", "nielsr"),
 ("2604.12001", "Flow Matching Policies for Dexterous Bimanual Manipulation", ("org", "NVIDIA", "nvidia"), "51", 0, "thumb", "cmhungsteve"),
 ("2604.13555", "GUI-Owl 2: Scaling Desktop Agents with Self-Evolving Trajectories", ("authors", 23), "47", 3, "thumb", "xhyandwyy"),
 ("2604.10888", "Sparse Autoencoders Reveal Latent Planning in Chess Transformers", ("authors", 4), "39", 0, "thumb", "mkarpov"),
 ("2604.12754", "LongCat-Video-Audio: Joint Generation of Minute-Long Talking Videos", ("org", "Meituan LongCat", "meituan-longcat"), "33", 2, "video", "Ekko"),
 ("2604.14210", "Rethinking KV-Cache Eviction for Speculative Decoding", ("authors", 6), "21", 0, "thumb", "hongyi"),
 ("2604.09912", "π-Bench: Evaluating Physical Intuition in Video World Models", ("authors", 18), "17", 1, "thumb", "Weiyun1025"),
 ("2604.13001", "Self-Distilled Reward Models for Long-Horizon Code Agents", ("authors", 9), "-", 0, "thumb", "zhaochen0110"),
]
H = "https://huggingface.co"

def clipper():
    out = ["---",
           'title: "Daily Papers - Hugging Face"',
           'source: "https://huggingface.co/papers/date/2026-04-16"',
           "author:", "published:", "created: 2026-04-17",
           'description: "Your daily dose of AI research from AK"',
           "tags:", '  - "clippings"', "---",
           "## Daily Papers", "",
           f"### by [AK]({H}/akhaliq) and the research community", "",
           f"[Previous]({H}/papers/date/2026-04-15) [Next]({H}/papers/date/2026-04-17)", "",
           "Apr 16", "",
           "- [Daily](https://huggingface.co/papers/date/2026-04-16)",
           "- [Weekly](https://huggingface.co/papers/week/2026-W16)",
           "- [Monthly](https://huggingface.co/papers/month/2026-04)", ""]
    for aid, title, who, votes, comments, media, user in papers:
        if media == "thumb":
            out += [f"[![](https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{aid}.png)]({H}/papers/{aid})", ""]
        else:
            out += [f"[]({H}/papers/{aid})", ""]
        out += ["Submitted by", "",
                f"![](https://cdn-avatars.huggingface.co/v1/production/uploads/{user}/avatar.png)", "",
                user, "", f"### {title}", ""]
        if who[0] == "authors":
            out += ["[", "", "- ·", "", f"\t{who[1]} authors", "", f"]({H}/papers/{aid})", ""]
        else:
            out += ["[", "", f"![](https://cdn-avatars.huggingface.co/v1/production/uploads/{who[2]}.png)", "",
                    who[1], "", f"]({H}/{who[2]})", ""]
        out += [f"[{votes}]({H}/login?next=%2Fpapers%2F{aid})", "",
                f"[{comments}]({H}/papers/{aid}#community)", ""]
    out += ["[Previous]({H}/papers/date/2026-04-15)".format(H=H), "",
            "System theme", "", "Company", "", f"[TOS]({H}/terms-of-service) [Privacy]({H}/privacy) [About]({H}/huggingface)", ""]
    return "\n".join(out)

def plain_copy():
    """Select-all + copy in a browser: the same page as plain text, no links at all."""
    out = ["Hugging Face", "Models", "Datasets", "Spaces", "Docs", "Pricing", "Log In", "Sign Up", "",
           "Daily Papers", "by AK and the research community", "", "Apr 16", "Daily", "Weekly", "Monthly", ""]
    for aid, title, who, votes, comments, media, user in papers:
        out += ["Submitted by", user, "", title, ""]
        out += [f"· {who[1]} authors" if who[0] == "authors" else who[1]]
        out += [votes, str(comments), ""]
    out += ["System theme", "Company", "TOS", "Privacy", "About"]
    return "\n".join(out)

open("tests/data/captures/hf_daily_2026-04-16_webclipper.md", "w").write(clipper() + "\n")
open("tests/data/captures/hf_daily_2026-04-16_plaintext.txt", "w").write(plain_copy() + "\n")
import json
json.dump({aid: {"title": t, "authors_count": w[1] if w[0] == "authors" else None, "org": w[1] if w[0] == "org" else None,
                 "upvotes": (None if v == "-" else (1090 if v == "1.09k" else int(v)))}
           for aid, t, w, v, *_ in papers}, open("tests/data/captures/hf_daily_2026-04-16.expected.json", "w"), indent=1, ensure_ascii=False)

def html_save():
    """File > Save Page As: relative links, nested divs, SVG icons, the vote button a login link."""
    out = ['<!DOCTYPE html>', '<html class=""><head><meta charset="utf-8"><title>Daily Papers - Hugging Face</title>',
           '<script>window.hubConfig = {"papers": "<h3>not a paper</h3>"};</script><style>.x{}</style></head>',
           '<body class="flex flex-col min-h-dvh">',
           '<header class="border-b"><nav><a href="/">Hugging Face</a><ul><li><a href="/models">Models</a></li>'
           '<li><a href="/datasets">Datasets</a></li><li><a href="/spaces">Spaces</a></li><li><a href="/docs">Docs</a></li>'
           '<li><a href="/pricing">Pricing</a></li><li><a href="/login">Log In</a></li><li><a href="/join">Sign Up</a></li></ul></nav></header>',
           '<main class="flex flex-1 flex-col">',
           '<section class="container"><div class="mb-4"><h1 class="text-3xl">Daily Papers</h1>',
           '<div class="text-gray-500">by <a href="/akhaliq">AK</a> and the research community</div></div>',
           '<div class="flex"><a href="/papers/date/2026-04-15">Previous</a><time datetime="2026-04-16">Apr 16</time>'
           '<a href="/papers/date/2026-04-17">Next</a></div>',
           '<div class="grid grid-cols-1 gap-6 lg:grid-cols-2">']
    for aid, title, who, votes, comments, media, user in papers:
        thumb = (f'<a href="/papers/{aid}" class="block"><img src="https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{aid}.png" alt="" class="w-full"></a>'
                 if media == "thumb" else
                 f'<a href="/papers/{aid}" class="block"><video src="https://cdn-uploads.huggingface.co/production/uploads/{aid}.mp4" autoplay muted loop></video></a>')
        if who[0] == "authors":
            block = (f'<a href="/papers/{aid}" class="flex items-center"><ul class="flex -space-x-1"><li><img src="https://cdn-avatars.huggingface.co/a1.png" alt=""></li>'
                     f'<li><img src="https://cdn-avatars.huggingface.co/a2.png" alt=""></li></ul><span>·</span>\t{who[1]} authors</a>')
        else:
            block = (f'<a href="/{who[2]}" class="flex items-center"><img src="https://cdn-avatars.huggingface.co/v1/production/uploads/{who[2]}.png" alt="" class="size-3">'
                     f'<span>{who[1]}</span></a>')
        out += [f'<article class="relative flex flex-col overflow-hidden rounded-xl border">',
                thumb,
                f'<div class="flex items-center gap-2"><div class="text-sm">Submitted by</div><img src="https://cdn-avatars.huggingface.co/{user}.png" alt="" class="size-3 rounded-full"><span>{user}</span></div>',
                f'<div class="flex"><div class="shrink-0"><a href="/login?next=%2Fpapers%2F{aid}" class="flex flex-col items-center"><svg width="1em" height="1em" viewBox="0 0 12 12"><path d="M5.19 2.67"></path></svg>'
                f'<div class="leading-none">{votes}</div></a></div>',
                f'<div class="w-full"><h3 class="text-lg font-semibold"><a href="/papers/{aid}" class="line-clamp-3 cursor-pointer">{title}</a></h3>',
                f'<div class="flex items-center gap-2.5">{block}',
                f'<a href="/papers/{aid}#community" class="flex items-center"><svg viewBox="0 0 32 32"><path d="M16 2"></path></svg>{comments}</a></div></div></div>',
                '</article>']
    out += ['</div></section></main>',
            '<footer><div>System theme</div><nav><a href="/terms-of-service">TOS</a><a href="/privacy">Privacy</a><a href="/huggingface">About</a></nav></footer>',
            '</body></html>']
    return "\n".join(out)

open("tests/data/captures/hf_daily_2026-04-16_saved.html", "w").write(html_save() + "\n")

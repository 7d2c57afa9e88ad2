"""hold_or_transfer: the reply asks for or explains a hold, or hands the customer to another team or person."""


def resolve(ctx):
    """A hold or a hand-over ("I'll connect you with returns"); traps: a bare "our team", "I'm Felix from the team"."""
    return list(ctx.cues["hold_or_transfer"]) + team_handover(ctx)


def _qualified_team(words, k):
    """Index of the determiner of a team noun with a qualifier ("our billing team", "my supervisor"), or None."""
    det = next((j for j in range(k - 1, max(-1, k - 4), -1) if words[j] in ("our", "the", "your", "my", "their")), None)
    if det is None or (det == k - 1 and not (words[k] in ("manager", "supervisor") and words[det] == "my")):
        return None  # a bare "our team" is too vague to count
    return det


def _introduces(words, det):
    """"I'm Felix from the support team": an introduction, not a hand-over ("I've booked a callback, and Laura
    from our billing team will call you" is one)."""
    near = words[max(0, det - 5):det]
    return "from" in words[max(0, det - 2):det] and any(x in ("i'm", "'m", "am", "this", "name") for x in near)


def _asked_to(words, det, k, ask_verbs):
    """'I'll ask our credit team to review it', 'we'll get our account manager, Jess, to drop you a line': the
    team is asked to do it, and "to" and a verb follow it within a name's length. 'I asked my manager' consults."""
    if not any(words[j] in ask_verbs for j in range(max(0, det - 2), det)):
        return False
    return any(words[j] == "to" and j + 1 < len(words) and words[j + 1].isalpha()
               for j in range(k + 1, min(len(words) - 1, k + 5)))


def team_handover(ctx):
    """'I'm passing your case to our claims team', 'Laura from our billing team will call you':
    another team or person takes over."""
    doc, view, w = ctx.doc, ctx.view, ctx.words
    team_nouns = w.team_nouns
    out = []
    for s0, s1 in view.sents:
        words = view.lower[s0:s1]
        for k, word in enumerate(words):
            if word not in team_nouns:
                continue
            det = _qualified_team(words, k)
            if det is None or _introduces(words, det):
                continue
            handover = any(x in w.handover_verbs for x in words) or _asked_to(words, det, k, w.ask_to_verbs)
            follow = any(words[j] in ("will", "'ll", "can", "could", "would") and j + 1 < len(words)
                         and (words[j + 1] in w.team_follow_verbs
                              or words[j + 1] in ("be", "definitely", "usually", "also", "then"))
                         for j in range(k + 1, min(len(words), k + 6)))
            if handover or follow:
                out.append(doc[s0 + det:s0 + k + 1])
                break
    return out

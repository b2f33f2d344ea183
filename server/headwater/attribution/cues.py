"""Cues and what hangs on them: a speech or stance verb with its subject, the content it
introduces and the medium it went through ("told X"), "according to X", and the sources a
speaker cites ("citing a filing")."""

from __future__ import annotations

import re
from dataclasses import replace

from headwater.attribution.assembly import Found
from headwater.attribution.entities import Entities, Entity
from headwater.attribution.lexicon import (
    CUE_ADVERBS,
    DOCUMENT_HEADS,
    NON_COMMENT,
    OBJECT_CONTENT_VERBS,
    PARTICIPLE_CUES,
    RELATIVE_PRONOUNS,
    SPEECH_VERBS,
    STANCE_VERBS,
    STATEMENT_NOUNS,
    WEAK_VERBS,
)
from headwater.attribution.quotes import adjacent_quote, introduced_block
from headwater.attribution.syntax import (
    Sentence,
    Sentences,
    clause_span,
    mention_span,
    np_span,
    object_span,
    subtree_span,
)
from headwater.attribution.text import Layout, trim

# After a trailing cue ("..., ministry says"), at most a time before the sentence ends.
_ONLY_A_TIME = re.compile(r"^\s*(on|in|at|last|this|late|early|earlier|yesterday|today|\w+day)\b[^,]*[.\"']*\s*$")
# The same, token by token, for finding the speaker of a trailing cue ("..., [speaker]
# announced late on Monday."): the words of a time (its entity aside) or of "in a statement".
_TIME_WORDS = frozenset("on in at late early earlier last this yesterday today tonight a an".split())


def _time_or_statement(token) -> bool:
    return (
        token.is_punct
        or token.ent_type_ in ("DATE", "TIME")
        or token.lower_ in _TIME_WORDS
        or token.lemma_.lower() in STATEMENT_NOUNS
    )


class Cues:
    """Finds the cues of one text's parsed sentences, naming their sources with `entities`."""

    def __init__(self, layout: Layout, sentences: Sentences, entities: Entities, coordinated_speakers: bool = False):
        self.coordinated_speakers = coordinated_speakers  # "A and B said": B speaks too (Reading.attributions)
        self.layout = layout
        self.norm = layout.norm
        self.sentences = sentences
        self.entities = entities
        self.gazetteer = entities.gazetteer

    def at(self, sentence: Sentence, token) -> list[Found]:
        """The attributions whose cue is this token (none for most)."""
        lemma = token.lemma_.lower()
        if lemma in SPEECH_VERBS and token.pos_ == "VERB" or lemma in STANCE_VERBS and token.pos_ == "VERB":
            return [f for f in self._verb_cue(sentence, token) if f is not None]
        if token.lower_ == "according":
            found = self._according_to(sentence, token)
            return [found] if found is not None else []
        return []

    def _subject(self, verb):
        """(subject token, the verb whose auxiliaries open the cue) or (None, verb)."""
        subjects = [c for c in verb.children if c.dep_ == "nsubj"]
        if len(subjects) > 1:  # a quote parsed as a subject: take the one outside quotes, nearest the verb
            outside = [c for c in subjects if not self.layout.in_quote(self.sentences.offset_of(c))]
            subjects = sorted(outside or subjects, key=lambda c: abs(c.i - verb.i))
        trailing = self._trailing_speaker(verb)
        if subjects:
            subject = subjects[0]
            if trailing is not None and trailing.dep_ == "appos" and trailing.head.i != subject.i:
                # "... when a bus overturned near Baltimore, a spokeswoman said Monday": the
                # parser took a noun of the content ("bus") as the subject and hung the
                # speaker on another noun ("Baltimore") as its appositive. (A name in
                # apposition to the subject, "the union's president, Jo Lee", is the subject's.)
                return trailing, verb
            return subject, verb
        for child in verb.children:
            if child.dep_ == "agent":
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj":
                        return grandchild, verb
        if trailing is not None:
            return trailing, verb
        if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):  # "said X and added Y"
            return self._subject(verb.head)[0], verb
        if (
            verb.dep_ == "advcl"
            and verb.tag_ == "VBG"
            and verb.head.pos_ in ("VERB", "AUX")
            and verb.i > verb.head.i
            and verb.lemma_ in PARTICIPLE_CUES
        ):
            # "..., adding that", "..., saying": the subject of the main verb.
            return self._subject(verb.head)[0], verb
        if verb.dep_ == "xcomp" and verb.head.pos_ in ("VERB", "AUX"):
            # "is expected to tell", "refused to say": the subject of the governing verb.
            for child in verb.head.children:
                if child.dep_ in ("nsubj", "nsubjpass"):
                    return child, verb.head
        if verb.dep_ in ("relcl", "acl") and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            # "the first Iranian official to confirm": the official, or who the official is.
            noun = verb.head
            if noun.dep_ == "attr" and noun.head.lemma_ == "be":
                subject = next((c for c in noun.head.children if c.dep_ == "nsubj"), None)
                if subject is not None:
                    return subject, verb
            return noun, verb
        # "..., a senior official, who spoke on condition of anonymity, said on Tuesday.":
        # the parser hangs the speaker on the reported clause; take the noun phrase ending
        # just before the verb.
        if any(c.dep_ == "ccomp" and c.i < verb.i for c in verb.children):
            doc = verb.doc
            for token in doc[max(0, verb.i - 40) : verb.i]:
                if (
                    token.dep_ == "appos"
                    and token.pos_ in ("NOUN", "PROPN")
                    and all(t.is_punct for t in doc[token.right_edge.i + 1 : verb.i])
                    and doc[token.left_edge.i - 1].text == ","
                ):
                    return token, verb
        return None, verb

    def _trailing_speaker(self, verb):
        """ "[content], [speaker] [verb] [time].": the head of the noun phrase between the
        last comma and the verb, when the verb ends the sentence but for a time or "in a
        statement". The parser often hangs that noun phrase on the content as an appositive
        of its last noun ("... to the government of Greece, the Metropolitan Museum of Art
        announced on Monday") and the verb as a modifier of some noun, leaving it without a
        subject. A finite verb only, and someone who speaks: a participle after a thing or a
        document is the passive it reads as ("..., a report released Monday")."""
        doc, sent = verb.doc, verb.sent
        if verb.tag_ not in ("VBD", "VBZ", "VBP") or not all(_time_or_statement(t) for t in doc[verb.i + 1 : sent.end]):
            return None
        comma = next((i for i in range(verb.i - 2, sent.start, -1) if doc[i].text == ","), None)
        if comma is None or not any(t.pos_ in ("VERB", "AUX") for t in doc[sent.start : comma]):
            return None  # no clause before the comma to be the content
        phrase = doc[comma + 1 : verb.i]
        head = phrase.root
        if head.pos_ not in ("NOUN", "PROPN") or any(
            t.i != head.i and t.head.i not in range(phrase.start, phrase.end) for t in phrase
        ):
            return None  # not one noun phrase
        if head.lemma_.lower() in DOCUMENT_HEADS:
            return None
        sentence = self.sentences.at(self.sentences.offset_of(head))
        if sentence is None or self.entities.entity_for(sentence, head) is None:
            return None  # names nobody who speaks ("the largest merger announced this year")
        return head

    def _cue_span(self, sentence: Sentence, verb, top) -> tuple[int, int]:
        """The cue as PolNeAR marks it: auxiliaries, negation and adverbs before the verb
        belong to it ("has said", "also said", "is expected to tell"); so does a particle
        ("pointed out") and a statement ("said in a statement")."""
        doc = verb.doc
        first = top.i
        while first - 1 >= 0:
            prev = doc[first - 1]
            if prev.head.i in (top.i, verb.i) and (
                prev.dep_ in ("aux", "auxpass", "neg") or prev.dep_ == "advmod" and prev.lower_ in CUE_ADVERBS
            ):
                first -= 1
            else:
                break
        if first < top.i and doc[first].lower_ == "to" and top is verb:
            first += 1  # "the first official to confirm": the verb is the cue
        last = verb.i
        if last + 1 < len(doc) and doc[last + 1].dep_ == "prt" and doc[last + 1].head == verb:
            last += 1
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ == "in" and child.i == last + 1:
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if obj is not None and obj.lemma_.lower() in STATEMENT_NOUNS and obj.i - child.i <= 3:
                    last = obj.i
        return sentence.offset + doc[first].idx, sentence.offset + doc[last].idx + len(doc[last].text)

    def _verb_cue(self, sentence: Sentence, verb) -> list[Found]:
        subject, top = self._subject(verb)
        if subject is None or self.layout.in_quote(sentence.offset + subject.idx):
            return []
        lemma = verb.lemma_.lower()
        if lemma == "ask" and any(
            c.dep_ == "xcomp" and any(g.dep_ == "auxpass" for g in c.children) for c in verb.children
        ):
            return []  # "who asked not to be named"
        if lemma in ("decline", "refuse") and any(c.dep_ == "xcomp" and c.lemma_ in NON_COMMENT for c in verb.children):
            return []
        if verb.dep_ == "xcomp" and top.lemma_ in ("decline", "refuse") and lemma in NON_COMMENT:
            return []
        relative = subject.lower_ in RELATIVE_PRONOUNS and subject.tag_ in ("WP", "WDT")
        if relative:
            # "Reuters, which first reported the decision": the pronoun is the mention, the noun the source.
            if verb.dep_ != "relcl" and not (top.dep_ == "relcl"):
                return []
            noun = (verb if verb.dep_ == "relcl" else top).head
            resolved = self.entities.entity_for(sentence, noun)
            mention = (sentence.offset + subject.idx, sentence.offset + subject.idx + len(subject.text))
        else:
            resolved = self.entities.entity_for(sentence, subject)
            mention = mention_span(sentence, subject)
            named = self.entities.appositive_name(subject)
            if named is not None:
                mention = (mention[0], max(mention[1], sentence.offset + named.idx + len(named.text)))
        if resolved is None:
            return []
        entity, confidence = resolved
        if (
            entity.kind == "document"
            and self.entities.document_cited_before(entity.name)
            and mention[1] - mention[0] < 15
        ):
            confidence = 0.7
        cue = self._cue_span(sentence, verb, top)
        clause_start = min(mention[0], cue[0])
        clause_end = max(mention[1], cue[1])
        content = adjacent_quote(self.layout, clause_start, clause_end)
        if content is None:
            for child in verb.children:
                if child.dep_ in ("ccomp", "xcomp") and child.pos_ in ("VERB", "AUX", "ADJ"):
                    content = clause_span(sentence, child)
                    break
        if content is None and lemma in OBJECT_CONTENT_VERBS:
            for child in verb.children:
                if child.dep_ in ("dobj", "nsubjpass") and child.lower_ not in ("which", "that", "it"):
                    content = object_span(self.norm, sentence, child)
                    break
        if content and content[0] < mention[0] < content[1]:
            content = trim(self.norm, (content[0], mention[0]))  # the speaker parsed inside the clause
        if (
            content is None
            and verb.dep_ == "relcl"
            and any(c.dep_ == "nsubjpass" and c.lower_ in RELATIVE_PRONOUNS for c in verb.children)
        ):
            content = np_span(sentence, verb.head)  # "the letter, which was revealed by the Journal"
        if content is None and lemma in STANCE_VERBS:
            for child in verb.children:  # "called for a recount", "referred to the deal"
                if child.dep_ == "prep" and child.i > verb.i:
                    content = subtree_span(sentence, child)
                    break
        if content is None:
            content = introduced_block(self.layout, clause_end)
        if content is None:
            content = self._preceding_clause(sentence, clause_start, clause_end)
        if content is None and (lemma in WEAK_VERBS or lemma in STANCE_VERBS or entity.kind != "person"):
            cited = self._cited(sentence, verb, entity, None)
            return cited if lemma == "cite" else []
        via, via_mention = self._medium(sentence, verb)
        found = [Found(entity, mention, cue, content, (sentence.start, sentence.end), confidence, via, via_mention)]
        if self.coordinated_speakers and not relative and entity.kind == "person":
            found += [
                replace(found[0], entity=other, mention=other_mention, conjunct=True)
                for other, other_mention in self._named_conjuncts(sentence, subject)
            ]
        cited = self._cited(sentence, verb, entity, found[0])
        if lemma == "cite" and any(c.cue == cue for c in cited):
            return cited  # "The Post's story cites three employees": the employees, relayed by the Post
        return found + cited

    def _named_conjuncts(self, sentence: Sentence, subject) -> list[tuple[Entity, tuple[int, int]]]:
        """The other people a coordinated subject names, each a speaker of the same words:
        "Patrick Liu of Victoria Hospital and Chris Kuo, Struan Wilkie, and Owen Dempsey ... told"."""
        out = []
        for token in subject.conjuncts:
            if token.i < subject.i or not (token.ent_type_ == "PERSON" or token.pos_ == "PROPN"):
                continue
            resolved = self.entities.entity_for(sentence, token)
            if resolved is not None and resolved[0].kind == "person":
                start = sentence.offset + token.left_edge.idx
                # the name alone, not the next conjuncts the parser hangs on it
                end = sentence.offset + token.idx + len(token.text)
                out.append((resolved[0], (start, end)))
        return out

    def _preceding_clause(self, sentence: Sentence, clause_start: int, clause_end: int) -> tuple[int, int] | None:
        """ "Talks will resume next week, ministry says": the clause before the comma, when
        the cue clause ends the sentence."""
        before = self.norm[sentence.start : clause_start].rstrip()
        after = self.norm[clause_end : sentence.end]
        if not before.endswith(",") or len(before) < 15:
            return None
        if after.strip(" .\"'") and not _ONLY_A_TIME.match(after):
            return None
        return trim(self.norm, (sentence.start, sentence.start + len(before) - 1))

    def _cited(self, sentence: Sentence, verb, carrier_entity: Entity, carrier: Found) -> list[Found]:
        """Sources a speaker passes on: "cites three employees", ", citing an agency email",
        "quoted a lobbyist, Karen Holt, as saying ..."."""
        out = []
        for child in verb.children:
            cite = None
            if verb.lemma_ in ("cite", "quote") and child.dep_ == "dobj":
                cite, obj = verb, child
            elif child.dep_ == "advcl" and child.lemma_ == "cite":
                obj = next((c for c in child.children if c.dep_ == "dobj"), None)
                cite = child if obj is not None else None
            if cite is None:
                continue
            resolved = self.entities.entity_for(sentence, obj)
            if resolved is None:
                continue
            entity, confidence = resolved
            mention = mention_span(sentence, obj)
            named = self.entities.appositive_name(obj)
            if named is not None:
                mention = (mention[0], max(mention[1], sentence.offset + named.idx + len(named.text)))
            cue = (sentence.offset + cite.idx, sentence.offset + cite.idx + len(cite.text))
            content = None
            # "as saying the decision ...": the cue of the quoted source.
            doc = verb.doc
            for prep in doc[obj.right_edge.i + 1 : min(len(doc) - 1, obj.right_edge.i + 4)]:
                if prep.lower_ == "as" and doc[prep.i + 1].lemma_ == "say":
                    saying = doc[prep.i + 1]
                    if saying is not None:
                        cue = (sentence.offset + prep.idx, sentence.offset + saying.idx + len(saying.text))
                        right = prep.right_edge
                        for sibling in verb.children:  # the parser often hangs the said clause on the verb
                            if sibling.dep_ in ("advcl", "ccomp") and sibling.i > saying.i:
                                right = max(right, sibling.right_edge, key=lambda t: t.i)
                        content = trim(
                            self.norm,
                            (
                                sentence.offset + saying.idx + len(saying.text),
                                sentence.offset + right.idx + len(right.text),
                            ),
                        )
            out.append(
                Found(
                    entity,
                    mention,
                    cue,
                    content,
                    (sentence.start, sentence.end),
                    confidence * 0.9,
                    carrier=carrier_entity.name,
                )
            )
            if cite is verb and content is None and carrier is not None:
                carrier.content = carrier.content or mention
        return out

    def _according_to(self, sentence: Sentence, according) -> Found | None:
        to = next((c for c in according.children if c.lower_ == "to"), None)
        obj = next((c for c in (to.children if to else []) if c.dep_ == "pobj"), None)
        if obj is None:
            return None
        resolved = self.entities.entity_for(sentence, obj)
        if resolved is None:
            return None
        entity, confidence = resolved
        cue = (sentence.offset + according.idx, sentence.offset + to.idx + len(to.text))
        phrase = subtree_span(sentence, according)
        before = (sentence.start, phrase[0])
        after = (phrase[1], sentence.end)
        side = max(before, after, key=lambda s: len(self.norm[s[0] : s[1]].strip(" ,.")))
        content = trim(self.norm, side)
        via, via_mention = self._medium(sentence, obj)
        return Found(
            entity,
            mention_span(sentence, obj),
            cue,
            content,
            (sentence.start, sentence.end),
            confidence,
            via,
            via_mention,
        )

    def _medium(self, sentence: Sentence, verb, depth: int = 0) -> tuple[Entity | None, tuple[int, int] | None]:
        """The outlet someone spoke through: "told the Arabic daily, Asharq al-Aswat", "in an
        interview with CNN", "in comments to the FT", "wrote in The Atlantic", "said on Fox News
        Sunday", "in an interview published by Der Spiegel", "Appearing on MSNBC's Morning Joe";
        for a source noun, the outlet that cited it: "(according to) sources quoted by Reuters"."""
        candidates = []

        def objects_of(prep):
            return [o for o in prep.children if o.dep_ == "pobj"]

        for child in verb.children:
            if child.dep_ == "acl" and child.lemma_ in ("cite", "quote"):
                candidates.extend(o for agent in child.children if agent.dep_ == "agent" for o in objects_of(agent))
            if child.dep_ in ("dobj", "dative") and verb.lemma_ == "tell":
                candidates.append(child)
                candidates.extend(c for c in child.children if c.dep_ in ("appos", "poss"))
                candidates.extend(g for c in child.children if c.dep_ == "pobj" for g in [c])
            if child.dep_ == "prep" and child.lower_ in ("to", "with", "for", "in", "on"):
                for obj in objects_of(child):
                    candidates.append(obj)
                    candidates.extend(c for c in obj.children if c.dep_ == "poss")
                    for sub in obj.children:  # "in an interview with CNN", "in comments to the FT"
                        if sub.dep_ == "prep" and sub.lower_ in ("with", "to", "for", "on"):
                            candidates.extend(objects_of(sub))
                        if sub.dep_ == "acl":  # "in an interview published by Der Spiegel"
                            for agent in sub.children:
                                if agent.dep_ == "agent":
                                    candidates.extend(objects_of(agent))
                        if sub.dep_ == "punct" and sub.text == "-":  # "op-ed" in three tokens
                            continue
                    if obj.text == "ed" or obj.lower_ in ("op", "oped"):
                        for t in obj.doc[obj.i : obj.i + 6]:
                            if t.dep_ == "pobj":
                                candidates.append(t)
            if child.dep_ == "advcl" and child.lemma_ in ("speak", "talk", "write", "appear", "comment") and depth < 2:
                via = self._medium(sentence, child, depth + 1)
                if via[0]:
                    return via
        for candidate in candidates:
            span = np_span(sentence, candidate)
            outlet = self.gazetteer.lookup(self.norm[span[0] : span[1]], context=self.norm)
            if outlet is None and candidate.ent_type_:
                for ent in candidate.doc.ents:
                    if ent.start <= candidate.i < ent.end:
                        outlet = self.gazetteer.lookup(ent.text, context=self.norm)
            if outlet is None and candidate.dep_ == "poss":
                outlet = self.gazetteer.lookup(candidate.text, context=self.norm)
            if outlet:
                return Entity(outlet.name, outlet.kind), span
        return None, None

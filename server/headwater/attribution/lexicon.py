"""The word lists the rules and the tagger read: cue verbs and nouns, and the head words
that say what kind of source a noun phrase is. Lemmas and lower-case words."""

# Lemmas of verbs that introduce what someone said, wrote or thinks.
SPEECH_VERBS = frozenset(
    """say tell report confirm explain write add state announce claim insist argue note
    warn deny acknowledge admit reveal disclose assert declare maintain contend
    stress emphasize emphasise caution predict promise vow testify allege comment
    remark recall reply respond answer ask tweet post publish quote cite describe
    believe think estimate conclude suggest indicate agree disagree complain concede
    urge recommend observe point reiterate imply mention joke boast plead yell
    lament concur""".split()
)
# Verbs that voice a stance on something rather than report speech ("praised the
# deal", "called for a recount"): cues only with a complement. Chosen from how often
# each lemma, with a subject, heads a cue in PolNeAR train (at least about half the time).
STANCE_VERBS = frozenset(
    """praise criticize criticise denounce thank tout congratulate blast accuse defend
    dismiss mock slam blame endorse call refer propose prefer compare question
    highlight discuss threaten applaud advocate charge echo remind decline refuse
    show find continue consider learn recognize recognise worry fear express
    reject attack oppose pledge back support demand reaffirm hail condemn decry
    welcome rule deem apologize apologise signal""".split()
)
# Verbs whose direct object can be the content ("confirmed the reception").
OBJECT_CONTENT_VERBS = (
    frozenset("confirm report reveal deny announce disclose acknowledge admit find show mention quote".split())
    | STANCE_VERBS
)
# Cognition verbs make weak cues without a named subject: only with a clause.
WEAK_VERBS = frozenset("believe think suggest indicate point agree disagree observe".split())
# Adverbs that PolNeAR's cues take in with the verb ("also said", "later confirmed").
CUE_ADVERBS = frozenset(
    """also first later previously then still never not n't repeatedly recently again already
    just quickly often once publicly privately reportedly initially subsequently
    separately further explicitly specifically openly flatly""".split()
)
# Noun cues that take the place of a verb phrase: "said in a statement".
STATEMENT_NOUNS = frozenset("statement release email letter post tweet".split())
RELATIVE_PRONOUNS = frozenset("who which that".split())
# Participles that carry the subject of the verb before them: "..., adding that", "..., saying".
PARTICIPLE_CUES = frozenset(
    "say add tell note explain argue claim insist warn write ask suggest accuse call describe cite".split()
)
# "declined to comment": a refusal, not an attribution.
NON_COMMENT = frozenset("comment elaborate speak say discuss respond specify".split())

ANONYMOUS_HEADS = frozenset(
    """official officials source sources aide aides diplomat diplomats person people
    insider insiders spokesman spokeswoman spokesperson representative representatives
    lawmaker lawmakers analyst analysts expert experts observer observers witness witnesses
    resident residents adviser advisers advisor advisors officer officers member members
    staffer staffers executive executives investigator investigators critic critics
    supporter supporters colleague colleagues friend friends employee employees worker
    workers commander commanders negotiator negotiators envoy envoys strategist strategists operative operatives activist activists economist
    economists scientist scientists researcher researchers voter voters banker bankers lawyer
    lawyers trader traders investor investors doctor doctors participant participants
    organizer organizers donor donors diplomat diplomats consultant consultants""".split()
)
DOCUMENT_HEADS = frozenset(
    """report filing document documents memo memorandum study survey poll statement
    letter lawsuit complaint indictment transcript record records data analysis paper
    release ruling order affidavit audit review assessment email emails cable cables
    tweet post bulletin notice draft drafts testimony minutes guidance findings""".split()
)
ORGANIZATION_HEADS = frozenset(
    """ministry department government agency company committee police campaign office
    court commission council administration army military embassy party firm union
    university institute foundation group bank board authority authorities parliament
    congress senate house""".split()
)
# A definite role noun names one identifiable person ("the agency's administrator").
ROLE_HEADS = frozenset(
    """administrator director chairman chairwoman chair ceo chief head president secretary
    minister governor mayor commissioner superintendent prosecutor attorney judge senator
    ambassador founder owner manager editor coach captain commander sheriff chancellor
    premier principal dean treasurer""".split()
)
# Nouns for what an outlet published: "The Post's story" speaks for the Post.
STORY_NOUNS = frozenset("story report article piece investigation account analysis editorial".split())
TITLES = frozenset(
    """mr mrs ms miss dr prof sir dame lord president sen senator rep gov governor gen
    general col adm secretary minister chancellor ayatollah sheikh judge justice mayor
    pope king queen prince princess premier speaker ambassador rev father
    administrator director commissioner chairman chairwoman ceo superintendent prosecutor
    attorney sheriff treasurer spokesman spokeswoman spokesperson leader lt lieutenant sgt sergeant
    capt cpl corporal det detective trooper deputy""".split()
)
PERSONAL_PRONOUNS = {"he": "m", "him": "m", "she": "f", "her": "f"}
MEDIUM_NOUNS = frozenset(
    "interview statement comments remarks op-ed oped column article post appearance conversation".split()
)

# Personal pronouns: someone, whoever they stand for (the tagger reads them as a feature too).
PRONOUN_WORDS = frozenset("i we you he she they it me us him her them".split())
FIRST_PERSON_WORDS = frozenset("i me we us".split())
SOMEONE_PRONOUNS = frozenset({"i", "me", *PERSONAL_PRONOUNS})  # one person; "they", "we", "it" are not
# Organization heads that name one only when capitalised: "the House", not "your house".
ONLY_CAPITALISED = frozenset("house congress senate parliament".split())
# Words after a noun phrase's head: "responses from Tehran", "officials who asked".
AFTER_HEAD = frozenset("of from in at for with on by to who whom which that".split())
# Titles that say whether a person is a man ("Mr.") or a woman.
GENDERED_TITLES = ("mr", "mrs", "ms", "miss")

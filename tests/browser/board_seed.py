"""A full room for the projector tests: 40 cards in four scripts, votes, six themes and solutions.

Seeded through the domain from the test process, straight into the running server's SQLite file
(WAL: the server reads what we commit on its next page load). Nothing is published live, so a board
shows the seeded state only after a (re)load. ``BoardRoom.goto(phase)`` moves the room forward and
adds what that phase needs, once; the board in Welcome already has its cards (written in Issues,
then the room is set back), so every phase is measured with the cards present.
"""
from __future__ import annotations

import itertools
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sqlmodel import Session

from spcp.db import make_engine
from spcp.domain import access, cards, rooms, solutions, themes, voting
from spcp.domain.access import Actor
from spcp.domain.models import Room
from spcp.domain.views import top_themes

LIMIT = 280  # the plan's max_card_length
PHASES = ('welcome', 'issues', 'vote', 'themes', 'solutions', 'wrapup')
PARTICIPANTS = 12  # 12 x 3 dots; at most 12 cards each, so 40 cards need 4 or more

# Police and community trust, as a room writes it. Long texts are cut to just under LIMIT at a space.
ENGLISH = [
    'Stops are never explained to the people stopped: officers arrive, ask for papers and drive off, and nobody '
    'says why. Young people on the east side are stopped again and again, sometimes twice in one week, and every '
    'time it feels like being treated as a suspect in the neighbourhood where you grew up and went to school.',
    'Complaints disappear. I filed one in March about a search of my car, got a reference number, and have heard '
    'nothing since: no letter, no call, no meeting. Neighbours say the same. If nobody answers, people stop '
    'complaining, and then the police think everything is fine, which it is not at all.',
    'Rechtsschutzversicherungsgesellschaftsbeschwerdeverfahrensordnung is what my neighbour calls the complaint '
    'process: the form at https://riverside.example.org/community-safety/complaints/follow-up?reference=2024-03-17 '
    'is long, only in English, and asks for things nobody can type on a phone at a bus stop in the rain at night.',
    'Interpreters never come when officers knock on the door at night, so children translate for their parents '
    'about arrests, accidents and deaths. A twelve year old should not have to tell his mother that her brother '
    'is in custody. Every patrol car should be able to call an interpreter in minutes, always.',
    'Nobody hears back after a complaint, even when it is about something serious.',
    'Slow response at night in the east side: we waited forty minutes after calling about a break-in.',
    'Antidisestablishmentarianism-level paperwork for a simple lost wallet report.',
    'No interpreters',
    'Stopped twice this week',
    'Meetings at 10 am, when we work',
]
HINDI = [
    'पुलिस रोकने का कारण कभी नहीं बताती, और लोग बिना किसी जवाब के घर लौट जाते हैं। हमारे मोहल्ले के युवाओं को '
    'बार-बार रोका जाता है, कभी-कभी एक ही हफ्ते में दो बार, और हर बार ऐसा लगता है जैसे वे अपने ही इलाके में '
    'संदिग्ध हों। इससे भरोसा धीरे-धीरे खत्म हो जाता है और लोग मदद माँगने से भी डरने लगते हैं।',
    'शिकायत दर्ज करने के बाद कोई वापस संपर्क नहीं करता। मैंने मार्च में शिकायत की थी, एक नंबर मिला, और उसके बाद '
    'कोई पत्र, कोई फोन, कोई बैठक नहीं हुई। पड़ोसी भी यही कहते हैं। जब कोई जवाब नहीं देता, तो लोग शिकायत करना '
    'छोड़ देते हैं, और फिर पुलिस सोचती है कि सब ठीक है।',
    'थाने में हिंदी या स्थानीय भाषा बोलने वाला कोई दुभाषिया नहीं होता, इसलिए बच्चे अपने माता-पिता के लिए '
    'अनुवाद करते हैं, गिरफ्तारी, दुर्घटना और मौत की खबर तक। बारह साल के बच्चे को अपनी माँ को यह नहीं बताना '
    'चाहिए कि उसका भाई हिरासत में है। हर गश्ती गाड़ी से कुछ ही मिनटों में दुभाषिया बुलाया जा सके।',
    'महिलाओं के लिए थाने में अलग और सुरक्षित जगह नहीं है जहाँ वे खुलकर बात कर सकें। शिकायत सबके सामने काउंटर '
    'पर लिखवानी पड़ती है, और कई महिलाएँ इसी वजह से वापस चली जाती हैं। एक बंद कमरा और एक महिला अधिकारी हर '
    'समय होनी चाहिए, खासकर रात में, जब सबसे ज़्यादा ज़रूरत होती है।',
    'रात में पूर्वी इलाके में मदद बहुत देर से पहुँचती है, चालीस मिनट तक।',
    'पुलिस अधिकारी बहुत जल्दी बदल जाते हैं, इसलिए कोई भरोसे का रिश्ता नहीं बन पाता।',
    'सामुदायिक बैठकों की जानकारी समय पर नहीं मिलती।',
    'पुलिस पर भरोसा नहीं',
    'दुभाषिया नहीं है',
    'रात में देर',
]
ARABIC = [
    'لا يشرح أحد سبب التوقيف للأشخاص الذين يتم إيقافهم، ويعودون إلى بيوتهم دون أي جواب. يتم إيقاف الشباب في '
    'حينا مرارًا وتكرارًا، أحيانًا مرتين في الأسبوع نفسه، وفي كل مرة يشعرون وكأنهم مشتبه بهم في الحي الذي '
    'نشأوا فيه وذهبوا إلى المدرسة فيه. هكذا تضيع الثقة شيئًا فشيئًا ويخاف الناس من طلب المساعدة.',
    'بعد تقديم الشكوى لا يتصل بنا أحد. قدمت شكوى في شهر مارس بخصوص تفتيش سيارتي، وحصلت على رقم مرجعي، ولم '
    'أسمع شيئًا منذ ذلك الحين: لا رسالة ولا مكالمة ولا اجتماع. الجيران يقولون الشيء نفسه. عندما لا يرد أحد '
    'يتوقف الناس عن الشكوى، ثم تظن الشرطة أن كل شيء على ما يرام، وهو ليس كذلك أبدًا.',
    'لا يوجد مترجم عندما يأتي الضباط إلى الباب في الليل، فيترجم الأطفال لأهلهم عن الاعتقالات والحوادث '
    'والوفيات. لا ينبغي لطفل في الثانية عشرة أن يخبر أمه بأن أخاها محتجز. يجب أن تستطيع كل دورية أن تتصل '
    'بمترجم خلال دقائق، في أي وقت من النهار أو الليل، وبكل اللغات التي يتحدثها الحي.',
    'لا تجد النساء مكانًا آمنًا في المركز للحديث بحرية. يجب تقديم الشكوى أمام الجميع عند الشباك، وكثير من '
    'النساء يعدن إلى بيوتهن لهذا السبب وحده. يجب أن تكون هناك غرفة مغلقة وضابطة في كل وقت، خاصة في الليل، '
    'عندما تكون الحاجة أكبر ما تكون، وأن يعرف الجميع أن هذه الغرفة موجودة.',
    'الاستجابة بطيئة جدًا في الليل في الجانب الشرقي من المدينة.',
    'الاجتماعات مع الشرطة تعقد في أوقات العمل فلا يستطيع الكثيرون الحضور.',
    'الضباط يتغيرون بسرعة فلا تنشأ علاقة ثقة.',
    'لا ثقة بالشرطة',
    'لا يوجد مترجم',
    'تأخير في الليل',
]
RUSSIAN = [
    'Полиция никогда не объясняет, почему человека остановили, и люди уходят домой без ответа. Молодёжь в нашем '
    'районе останавливают снова и снова, иногда дважды за одну неделю, и каждый раз кажется, что тебя считают '
    'подозреваемым в районе, где ты вырос и ходил в школу. Так доверие постепенно исчезает.',
    'После жалобы никто не перезванивает. Я подала жалобу в марте из-за обыска машины, получила номер, и с тех '
    'пор ничего: ни письма, ни звонка, ни встречи. Соседи говорят то же самое. Когда никто не отвечает, люди '
    'перестают жаловаться, а полиция думает, что всё в порядке, хотя это совсем не так.',
    'Когда полицейские приходят к двери ночью, переводчика нет, и дети переводят для родителей об арестах, '
    'авариях и смертях. Двенадцатилетний ребёнок не должен сообщать матери, что её брат задержан. Каждый '
    'патруль должен вызывать переводчика за несколько минут, в любое время дня и ночи.',
    'Участковые меняются слишком часто, и доверие просто не успевает появиться. Только познакомишься с '
    'человеком, узнаешь, как к нему обратиться, а через полгода его уже перевели в другой район, и всё '
    'начинается сначала. Нужно, чтобы участковый оставался в районе хотя бы несколько лет подряд.',
    'Ночью помощь в восточном районе приезжает слишком поздно, через сорок минут.',
    'Встречи с полицией проходят в рабочее время, и многие не могут прийти.',
    'У женщин нет безопасного места в отделении.',
    'Нет доверия к полиции',
    'Нет переводчика',
    'Ночью поздно',
]
# six themes, each a list of card indexes into CARDS; the rest (6 cards) stays ungrouped
THEMES = {
    'Stops and respect': [0, 10, 20, 30, 9, 19],
    'Complaints nobody answers': [1, 11, 21, 31, 4, 25, 35],
    'भाषा और दुभाषिए': [3, 12, 22, 32, 7, 18, 28],
    'الاستجابة في الليل': [5, 14, 24, 34, 29, 39],
    'Участковые и доверие': [15, 26, 33, 17],
    "Women's safety at the station": [13, 23, 36, 8],
}
SOLUTIONS = [
    'Officers hand out a card that says why they stopped you and how to complain.',
    'A monthly public meeting in the evening where every complaint of the month gets an answer, with the station '
    'chief present, an interpreter in the room, childcare, and the answers published afterwards on paper at the '
    'library and online, so that people who could not come can still read what was decided and by whom.',
    'हर थाने में हर समय एक दुभाषिया उपलब्ध हो।',
    'رقم هاتف واحد للشكاوى يرد عليه خلال أسبوع، بكل لغات الحي، مع متابعة مكتوبة لكل شكوى.',
    'Участковый проводит открытые встречи по вечерам раз в месяц.',
    'Complaint tracking by SMS: every step, every week.',
    'हर शिकायत का जवाब एक महीने के अंदर लिखित में मिले, और जवाब न मिलने पर थाना प्रमुख खुद संपर्क करें। शिकायत '
    'की स्थिति फोन पर देखी जा सके, और हर तीन महीने में सभी शिकायतों का सार मोहल्ले की बैठक में पढ़कर सुनाया '
    'जाए, ताकि सबको पता रहे कि क्या बदला है।',
    'يجب أن يكون في كل دورية هاتف يتصل بمترجم خلال دقائق.',
    'Interpreters on call by phone for every patrol, in the twelve languages of the district.',
    'Переводчик по телефону для каждого патруля, на всех языках района, круглосуточно и бесплатно для жителей. '
    'Номер должен быть на каждой машине и в каждом отделении, а дети больше никогда не должны переводить '
    'для родителей разговоры об арестах, авариях и смертях.',
    'A youth council that meets the station every quarter.',
    'حضور ضابطة في كل وقت.',
]


def cut(text: str, limit: int = LIMIT) -> str:
    """At most ``limit`` characters, ending at a space: long cards end close to the limit."""
    return text if len(text) <= limit else text[:limit + 1].rsplit(' ', 1)[0]


CARDS = [cut(text) for text in itertools.chain(ENGLISH, HINDI, ARABIC, RUSSIAN)]
SOLUTION_TEXTS = [cut(text) for text in SOLUTIONS]


def _dots(person: int) -> list[int]:
    """The cards (indexes into CARDS) one person puts their 3 dots on: uneven totals, so the themes rank
    clearly (Stops and respect 8, language 6, night 5, the other three 4 each)."""
    if person % 3 == 0:
        return [k * 10 + person % 4 for k in range(3)]
    return [(person * 7 + k * 10) % len(CARDS) for k in range(3)]


VOTES = [_dots(person) for person in range(PARTICIPANTS)]
DOTS = Counter(index for dots in VOTES for index in dots)


def top_theme_names(count: int = 3) -> list[str]:
    """The themes carried into Solutions: most dots first, ties in the order they were made (as ``themes.rank``)."""
    return sorted(THEMES, key=lambda name: -sum(DOTS[i] for i in THEMES[name]))[:count]


ENDORSED = [0, 3, 1, 1, 2, 0, 3, 1, 2, 2, 2, 0]  # endorsements per solution


def endorsers(solution: int) -> list[int]:
    """Who endorses solution number ``solution``: the next people round the room after its author
    (person solution % 12), never the author."""
    return [(solution + 1 + k) % PARTICIPANTS for k in range(ENDORSED[solution])]


def most_endorsed(top: int = 3) -> list[str]:
    """Per top theme (in rank order), its most endorsed solution (ties: the older): what a wrap-up leads with.
    Solution i goes to top theme i % top."""
    return [SOLUTION_TEXTS[max(range(place, len(SOLUTION_TEXTS), top), key=lambda i: (len(endorsers(i)), -i))]
            for place in range(top)]


def new_key() -> str:
    return uuid.uuid4().hex


def facilitator_key(room: dict) -> str:
    return parse_qs(urlsplit(room['facilitator_url']).query)['key'][0]


@dataclass
class BoardRoom:
    """One room of the running server, moved through the phases from the test process."""
    database: Path
    room: dict
    phase: str = 'welcome'
    done: set[str] = field(default_factory=set)
    card_ids: list[int] = field(default_factory=list)
    theme_ids: list[int] = field(default_factory=list)
    top: list[int] = field(default_factory=list)

    def goto(self, phase: str) -> None:
        """Move the room to ``phase`` (never back), seeding every phase on the way once."""
        assert PHASES.index(phase) >= PHASES.index(self.phase), f'the room is past {phase} already'
        engine = make_engine(f'sqlite:///{self.database}')
        try:
            with Session(engine, expire_on_commit=False) as session:
                for step in PHASES[:PHASES.index(phase) + 1]:
                    if step not in self.done:
                        self._seed(session, step)
                        self.done.add(step)
                self._set_phase(session, phase)
        finally:
            engine.dispose()
        self.phase = phase

    def _facilitator(self, session: Session) -> Actor:
        return access.facilitator(session, self.room['code'], facilitator_key(self.room))

    def _room_id(self, session: Session) -> int:
        return access.room_by_code(session, self.room['code']).id

    def _set_phase(self, session: Session, phase: str) -> None:
        rooms.set_phase(session, self._facilitator(session), self._room_id(session), phase)

    def _people(self, session: Session) -> list[Actor]:
        return [rooms.join(session, self.room['code'], f'projector-seed-{i:02d}')[0] for i in range(PARTICIPANTS)]

    def _seed(self, session: Session, phase: str) -> None:
        seeders = {'welcome': self._seed_cards, 'vote': self._seed_votes, 'themes': self._seed_themes,
                   'solutions': self._seed_solutions}
        if phase in seeders:
            seeders[phase](session)

    def _seed_cards(self, session: Session) -> None:
        """Cards are written in Issues; the room then goes back to Welcome with them."""
        self._set_phase(session, 'issues')
        people = self._people(session)
        for i, text in enumerate(CARDS):  # authors round the room: scripts mixed per person
            view, _ = cards.submit(session, people[i % len(people)], self._room_id(session), text, new_key())
            self.card_ids.append(view.id)

    def _seed_votes(self, session: Session) -> None:
        self._set_phase(session, 'vote')
        room_id = self._room_id(session)
        for person, dots in zip(self._people(session), VOTES, strict=True):
            for index in dots:
                voting.add_dot(session, person, room_id, self.card_ids[index], new_key())
        rooms.reveal_votes(session, self._facilitator(session), room_id, True)

    def _seed_themes(self, session: Session) -> None:
        self._set_phase(session, 'themes')
        fac, room_id = self._facilitator(session), self._room_id(session)
        for name, indexes in THEMES.items():
            theme_id, _ = themes.group(session, fac, room_id, [self.card_ids[i] for i in indexes], name=name)
            self.theme_ids.append(theme_id)
        themes.rank(session, fac, room_id)

    def _seed_solutions(self, session: Session) -> None:
        self._set_phase(session, 'solutions')
        room_id = self._room_id(session)
        self.top = top_themes(session, session.get(Room, room_id))
        people = self._people(session)
        for i, text in enumerate(SOLUTION_TEXTS):  # spread over the top themes, scripts mixed
            author = i % len(people)
            solution_id, _ = solutions.propose(session, people[author], room_id, self.top[i % len(self.top)], text,
                                               new_key())
            for other in endorsers(i):
                solutions.endorse(session, people[other], room_id, solution_id, True)

import CoachLogProtocol

/// The open questions shipped with CoachLog, five per coaching topic, written
/// for it. `prep` offers some for the topics a salesperson has not covered
/// lately. The order of each list is part of the contract: a question's id is
/// its topic and its number (1-based) here, and the pick below depends on it;
/// add questions at the end.
public enum CoachingQuestions {
    public static let library: [Topic: [String]] = [
        // How salespeople see themselves as sellers.
        .selfConcept: [
            "When you picture yourself at your best with a customer, what are you doing?",
            "What do you believe you are good at in selling, and what makes you sure of it?",
            "Which part of the job do you tell yourself you are \"just not\" good at? Where did that idea come from?",
            "What would a customer who trusts you say about you as a seller?",
            "What did you do this month that you are proud of, however small?",
        ],
        // Who they are, and the role they play.
        .identityRole: [
            "Where does the sales role ask you to be someone you are not?",
            "Which of your own values show up in how you sell, and which do you leave at the door?",
            "If you left this job tomorrow, what about the way you work would you take with you?",
            "When a deal is lost, how much of it do you take as being about you rather than the role?",
            "Which part of the role feels most like you, and which part feels like a costume?",
        ],
        // What they want for themselves, beyond the quota.
        .personalGoals: [
            "What do you want your work to make possible for you in the next year?",
            "Which of your goals has gone quiet lately, and what would bring it back?",
            "How does this quarter's work move you toward something you want for yourself?",
            "If we met a year from now and you were pleased, what would have happened?",
            "What is one goal you have not said out loud yet?",
        ],
        // Looking back at what they did: more of, better, different.
        .behavioralReflection: [
            "What is one thing you should do more of next week, because it already works?",
            "What did you do this week that you would do better with a second try?",
            "If you could run last week again, what would you do differently?",
            "Which habit helped you most this month, and which one got in your way?",
            "Looking at your last commitments, what made the kept ones easier to keep?",
        ],
    ]

    /// Questions for the neglected topics, most neglected first (the order
    /// given): two from the topic when there is one, otherwise one from each
    /// of the first three, then a second from the first when there are only
    /// two; none for no topic. The k-th question taken from a topic (k = 0, 1)
    /// is number (day + k) mod n of its n questions, so one day always gives
    /// the same questions and the next week's one-on-one gets others.
    public static func pick(for neglected: [Topic], on day: Day) -> [PrepQuestion] {
        guard !neglected.isEmpty else { return [] }
        let count = neglected.count == 1 ? 2 : 3
        var taken: [Topic: Int] = [:]
        var questions: [PrepQuestion] = []
        var turn = 0
        while questions.count < count, turn < 2 * count {
            let topic = neglected[turn % min(neglected.count, count)]
            turn += 1
            guard let list = library[topic], !list.isEmpty else { continue }
            let k = taken[topic, default: 0]
            taken[topic] = k + 1
            let n = Int64(list.count)
            let index = Int(((Int64(day.number) + Int64(k)) % n + n) % n)
            questions.append(PrepQuestion(id: "\(topic.rawValue)-\(index + 1)", topic: topic, text: list[index]))
        }
        return questions
    }
}

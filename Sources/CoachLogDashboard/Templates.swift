import Mustache

/// The page templates (swift-mustache), compiled once at start. `{{x}}` is
/// escaped for HTML; `{{{x}}}` takes markup the dashboard built itself
/// (charts, the team table's rows), whose texts were escaped when built.
enum Templates {
    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · CoachLog</title>
        <link rel="stylesheet" href="/assets/style.css">
        <script src="/assets/app.js" defer></script>
        </head>
        <body>
        <a class="skip" href="#main">Skip to the page's content</a>
        <header class="top">
        <p class="brand">CoachLog</p>
        <nav aria-label="Pages"><ul>
        {{#nav}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/nav}}
        </ul></nav>
        <form class="asof" method="get" action="{{path}}">
        {{#keep}}<input type="hidden" name="{{name}}" value="{{value}}">{{/keep}}
        <label for="asOf">As of</label>
        <input id="asOf" name="asOf" value="{{asOf}}" placeholder="now" aria-describedby="asOf-help" size="22">
        <button type="submit">Show</button>
        {{#hasAsOf}}<a href="{{nowHref}}">Back to now</a>{{/hasAsOf}}
        <span id="asOf-help" class="help">a date such as 2026-10-19, or a time such as 2026-10-19T17:00:00Z</span>
        </form>
        <p class="viewer">Shown to: {{viewer}}{{^seesText}} · notes and commitment texts are not shown to this role{{/seesText}}
         · <span id="live-status" role="status" aria-live="polite">{{#live}}live updates connecting…{{/live}}{{^live}}a past view: no live updates{{/live}}</span></p>
        </header>
        <main id="main" tabindex="-1" data-live="{{live}}">
        {{{main}}}
        </main>
        </body>
        </html>
        """

    static let overview = """
        <h1>{{heading}}</h1>
        <p class="lede">As of <strong>{{asOfShown}}</strong>: the last {{weeks}} weeks ({{windowFrom}} to {{windowTo}}) against the {{weeks}} before. {{salespeople}} salespeople.</p>
        {{#hasCoaches}}
        <form class="picker" method="get" action="/">
        <label for="coach">Coach</label>
        <select id="coach" name="coach">
        <option value="">Everyone</option>
        {{#coaches}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/coaches}}
        </select>
        {{#hasAsOf}}<input type="hidden" name="asOf" value="{{asOf}}">{{/hasAsOf}}
        <button type="submit">Show team</button>
        </form>
        {{/hasCoaches}}
        <section aria-labelledby="totals-heading">
        <h2 id="totals-heading">The team</h2>
        <dl class="totals">
        <div><dt>Say-do rate, last {{weeks}} weeks</dt><dd id="total-rate" class="health-{{health}}">{{rate}} <small>{{healthWord}} · {{kept}} kept of {{reviewed}} reviewed</small></dd></div>
        <div><dt>The {{weeks}} weeks before</dt><dd id="total-previous">{{previousRate}} <small>of {{previousReviewed}} reviewed</small></dd></div>
        <div><dt>Change</dt><dd id="total-change">{{change}} <small>{{direction}}</small></dd></div>
        <div><dt>Weighted rate (partial counts half)</dt><dd id="total-weighted">{{weightedRate}} <small>{{weightedChange}}</small></dd></div>
        <div><dt>Open commitments</dt><dd id="total-open">{{open}}</dd></div>
        <div><dt>Overdue</dt><dd id="total-overdue"><a href="{{overdueHref}}">{{overdue}}</a></dd></div>
        <div><dt>Coaching lapsed (over {{lapsedAfterDays}} days)</dt><dd id="total-lapsed">{{lapsed}}</dd></div>
        <div><dt>Need attention</dt><dd id="total-attention">{{needAttention}}</dd></div>
        </dl>
        <figure class="chart-figure">
        {{{weeklyChart}}}
        <figcaption>Say-do rate per week (line, left scale) and the commitments reviewed that week (bars, right scale), the last {{trendWeeks}} weeks.</figcaption>
        </figure>
        <details>
        <summary>The weekly figures as a table</summary>
        <table class="weekly-table">
        <caption>Say-do rate per week</caption>
        <thead><tr><th scope="col">Week ending</th><th scope="col">Say-do rate</th><th scope="col">Kept</th><th scope="col">Reviewed</th></tr></thead>
        <tbody>{{#weeklyRows}}<tr><th scope="row">{{label}}</th><td>{{rate}}</td><td>{{kept}}</td><td>{{reviewed}}</td></tr>{{/weeklyRows}}</tbody>
        </table>
        </details>
        </section>
        <section aria-labelledby="people-heading">
        <h2 id="people-heading">Salespeople</h2>
        {{#hasRows}}
        <table id="team-table" class="sortable team">
        <caption>Who needs attention first. Select a column heading to sort by it; select it again to reverse.</caption>
        <thead><tr>
        <th scope="col" aria-sort="none"><button type="button" data-type="text">Salesperson</button></th>
        <th scope="col" aria-sort="none"><button type="button" data-type="text">Coach</button></th>
        <th scope="col" aria-sort="none"><button type="button" data-type="number">Say-do, last {{weeks}} weeks</button></th>
        <th scope="col" aria-sort="none"><button type="button" data-type="number">Weighted</button></th>
        <th scope="col" aria-sort="none"><button type="button" data-type="number">The {{weeks}} before</button></th>
        <th scope="col" aria-sort="none"><button type="button" data-type="number">Change</button></th>
        <th scope="col">{{trendWeeks}}-week trend</th>
        <th scope="col" aria-sort="none"><button type="button" data-type="number">Open</button></th>
        <th scope="col" aria-sort="none"><button type="button" data-type="number">Overdue</button></th>
        <th scope="col" aria-sort="none"><button type="button" data-type="number">Days since a session</button></th>
        <th scope="col" aria-sort="none"><button type="button" data-type="number">Topics not covered recently</button></th>
        <th scope="col" aria-sort="descending"><button type="button" data-type="number">Attention</button></th>
        </tr></thead>
        <tbody>
        {{{rows}}}
        </tbody>
        </table>
        {{/hasRows}}
        {{^hasRows}}<p class="empty">Nobody in this team has a session as of this date.</p>{{/hasRows}}
        </section>
        """

    static let salesperson = """
        <h1>{{name}}</h1>
        <p class="lede">{{#hasCoach}}Coached by <strong>{{coach}}</strong> · {{/hasCoach}}as of <strong>{{asOfShown}}</strong></p>
        <section aria-labelledby="prep-heading" class="prep">
        <h2 id="prep-heading">For today's one-on-one</h2>
        {{#hasPrep}}
        <p id="last-session">Last session: {{lastSessionDate}} with {{lastSessionCoach}}, {{lastSessionAgo}} ago{{#lastSessionOpen}} — <strong>still open</strong>{{/lastSessionOpen}}. Topics: {{lastSessionTopics}}.</p>
        <h3>Commitments to review ({{open}} open, {{overdue}} overdue)</h3>
        {{#hasDue}}
        <table class="due">
        <thead><tr><th scope="col">Commitment</th><th scope="col">Kind</th><th scope="col">Due</th><th scope="col">Status</th></tr></thead>
        <tbody>{{#due}}<tr class="{{#overdue}}overdue{{/overdue}}"><td>{{{text}}}</td><td>{{kind}}</td><td>{{due}}</td><td>{{#overdue}}<strong class="flag">Overdue</strong> by {{daysOverdue}}{{/overdue}}{{^overdue}}Due{{/overdue}}</td></tr>{{/due}}</tbody>
        </table>
        {{/hasDue}}
        {{^hasDue}}<p>Nothing open to review.</p>{{/hasDue}}
        <h3>Reviews of the last {{reviewDays}} days: {{reviewedRate}} kept <small>({{reviewedKept}} of {{reviewedCount}})</small></h3>
        {{#hasReviews}}<ul class="reviews">{{#reviews}}<li><span class="outcome outcome-{{outcome}}">{{outcomeWord}}</span> {{{text}}} <small>({{kind}}, {{date}})</small>{{#hasNote}} — {{{note}}}{{/hasNote}}</li>{{/reviews}}</ul>{{/hasReviews}}
        {{^hasReviews}}<p>No reviews in these {{reviewDays}} days.</p>{{/hasReviews}}
        <h3>Topics, most neglected first</h3>
        <ul class="topics">{{#prepTopics}}<li><strong>{{topic}}</strong>: {{status}}{{#hasInsight}} — last insight: {{{insight}}}{{/hasInsight}}</li>{{/prepTopics}}</ul>
        {{#hasQuestions}}<h3>Questions to bring</h3><ol class="questions">{{#questions}}<li>{{text}} <small>({{topic}})</small></li>{{/questions}}</ol>{{/hasQuestions}}
        {{/hasPrep}}
        {{^hasPrep}}<p>No session opened by this date: nothing to prepare from yet.</p>{{/hasPrep}}
        </section>
        <section aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Sessions</h2>
        {{#hasSessions}}<ol class="timeline">{{#sessions}}<li><time datetime="{{openedAt}}">{{date}}</time> with {{coach}} · {{topics}}{{#open}} · <strong>open</strong>{{/open}}</li>{{/sessions}}</ol>{{/hasSessions}}
        {{^hasSessions}}<p>No session by this date.</p>{{/hasSessions}}
        </section>
        <section aria-labelledby="goals-heading">
        <h2 id="goals-heading">Goals</h2>
        {{#hasGoals}}
        <table class="goals">
        <thead><tr><th scope="col">Goal</th><th scope="col">Area</th><th scope="col">Stated</th><th scope="col">Status</th><th scope="col">Commitments</th><th scope="col">Say-do</th></tr></thead>
        <tbody>{{#goals}}<tr><td>{{{text}}}{{#hasServing}}<ul class="serving">{{#serving}}<li>{{{text}}} <small>({{state}})</small></li>{{/serving}}</ul>{{/hasServing}}</td><td>{{{area}}}</td><td>{{stated}}</td><td>{{status}}</td><td>{{commitments}}</td><td>{{rate}} <small>{{kept}} kept of {{reviewed}}</small></td></tr>{{/goals}}</tbody>
        </table>
        {{/hasGoals}}
        {{^hasGoals}}<p>No goals stated by this date.</p>{{/hasGoals}}
        </section>
        <section aria-labelledby="open-heading">
        <h2 id="open-heading">Open commitments</h2>
        {{#hasOpen}}
        <table class="open">
        <thead><tr><th scope="col">Commitment</th><th scope="col">Kind</th><th scope="col">Made</th><th scope="col">Due</th><th scope="col">Status</th></tr></thead>
        <tbody>{{#openRows}}<tr class="{{#overdue}}overdue{{/overdue}}"><td>{{{text}}}</td><td>{{kind}}</td><td>{{made}}</td><td>{{due}}</td><td>{{#overdue}}<strong class="flag">Overdue</strong> by {{daysOverdue}}{{/overdue}}{{^overdue}}Not yet due{{/overdue}}</td></tr>{{/openRows}}</tbody>
        </table>
        {{/hasOpen}}
        {{^hasOpen}}<p>No open commitments.</p>{{/hasOpen}}
        </section>
        <section aria-labelledby="kinds-heading">
        <h2 id="kinds-heading">Follow-through by kind</h2>
        {{#hasFollowThrough}}
        <dl class="totals kinds">{{#kinds}}<div><dt>{{name}}</dt><dd class="kind-{{key}}">{{rate}} <small>{{kept}} kept of {{reviewed}}, last {{weeks}} weeks</small></dd></div>{{/kinds}}</dl>
        <figure class="chart-figure">{{{kindChart}}}<figcaption>Say-do rate per week by kind: More (circles, solid), Better (squares, dashed), Differently (triangles, dotted).</figcaption></figure>
        <details><summary>The weekly figures by kind as a table</summary>
        <table><thead><tr><th scope="col">Week ending</th><th scope="col">More</th><th scope="col">Better</th><th scope="col">Differently</th><th scope="col">All</th></tr></thead>
        <tbody>{{#kindRows}}<tr><th scope="row">{{label}}</th><td>{{more}}</td><td>{{better}}</td><td>{{different}}</td><td>{{all}}</td></tr>{{/kindRows}}</tbody></table>
        </details>
        {{/hasFollowThrough}}
        {{^hasFollowThrough}}<p>Nothing reviewed by this date.</p>{{/hasFollowThrough}}
        </section>
        <section aria-labelledby="topics-heading">
        <h2 id="topics-heading">Topic coverage</h2>
        {{#hasPrep}}
        <table class="coverage"><thead><tr><th scope="col">Topic</th><th scope="col">Last covered</th><th scope="col">Days since</th><th scope="col">Status</th></tr></thead>
        <tbody>{{#coverage}}<tr class="topic-{{statusKey}}"><th scope="row">{{topic}}</th><td>{{lastCovered}}</td><td>{{daysSince}}</td><td>{{status}}</td></tr>{{/coverage}}</tbody></table>
        {{/hasPrep}}
        {{^hasPrep}}<p>No session by this date.</p>{{/hasPrep}}
        </section>
        """

    static let overdue = """
        <h1>Overdue commitments</h1>
        <p class="lede">As of <strong>{{asOfShown}}</strong>: {{count}} overdue of {{open}} open, by coach, oldest first.</p>
        {{#groups}}
        <section aria-labelledby="coach-{{index}}">
        <h2 id="coach-{{index}}">{{coach}} <small>({{count}})</small></h2>
        <table class="overdue-table">
        <thead><tr><th scope="col">Salesperson</th><th scope="col">Commitment</th><th scope="col">Kind</th><th scope="col">Due</th><th scope="col">Days overdue</th></tr></thead>
        <tbody>{{#rows}}<tr><td><a href="{{href}}">{{salesperson}}</a></td><td>{{{text}}}</td><td>{{kind}}</td><td>{{due}}</td><td>{{daysOverdue}}</td></tr>{{/rows}}</tbody>
        </table>
        </section>
        {{/groups}}
        {{^groups}}<p class="empty">Nothing is overdue. Well done.</p>{{/groups}}
        """

    static let problem = """
        <h1>{{heading}}</h1>
        <p class="problem" role="alert">{{message}}</p>
        <p><a href="/">Back to the team overview</a></p>
        """

    /// The compiled templates; a template that does not compile is a programming error caught by every test.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in [
            ("layout", layout), ("overview", overview), ("salesperson", salesperson), ("overdue", overdue), ("problem", problem),
        ] {
            do {
                library.register(try MustacheTemplate(string: text), named: name)
            } catch {
                fatalError("the dashboard's \(name) template does not compile: \(error)")
            }
        }
        return library
    }()
}

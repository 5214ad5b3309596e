package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// Page is the data every template reads. The server fills the exported
// fields; Render binds the page to its language before executing.
type Page struct {
	Lang    string            // "en" | "es"
	Path    string            // current path, for the language switch links (?lang=)
	Values  map[string]string // submitted form values to re-fill (keys = contract field names)
	Errors  map[string]string // field name -> error code; "" key = form-level error
	Limits  Limits            // attachment limits, quoted in hints and messages
	Receipt string            // receipt page: the code, shown once
	Status  *Status           // status page
	Notice  string            // a message key for a one-line confirmation: "reply_sent", "revision_sent", "withdrawn"
	Code    int               // error page: HTTP status
	// RetryMinutes is how long a refused visitor must wait (the response's
	// Retry-After, rounded up), quoted in the rate-limit message; 0 = unknown.
	RetryMinutes int

	// Viewer is the signed-in staff member on editors' pages; nil on public pages.
	Viewer *Viewer
	// Data holds the view of an editors' page (queue, submission, users, …);
	// each page's template knows its concrete type.
	Data any

	loc *i18n.Localizer
}

// Viewer is who is signed in, as the editors' pages show it.
type Viewer struct {
	Name  string
	Email string
	Role  string // editor | staff | admin
	Site  string // "" = all sites
}

// Limits are the attachment limits in force, as configured.
type Limits struct {
	MaxFiles  int // attachments per submission
	MaxFileMB int // size of one attachment, in megabytes
	// PrintEdge is the long edge, in pixels, to which the form's script
	// shrinks a larger photo before sending; 0 leaves photos as they are.
	PrintEdge int
}

// MaxFileBytes is the size of one attachment in bytes, for the form's
// own check before sending.
func (l Limits) MaxFileBytes() int64 { return int64(l.MaxFileMB) << 20 }

// Status is what the status page shows about one submission.
type Status struct {
	Receipt     string // sent back as a hidden field (POST body only, never in a URL)
	State       string // received|ready|approved|rejected|changes_requested|published|withdrawn
	Kind        string // story|oped
	Title       string
	UpdatedAt   time.Time
	Messages    []Message // oldest first
	CanReply    bool
	CanRevise   bool
	CanWithdraw bool
	Story       string // the published piece's path; "" unless published
	// Translations are the piece's translations for the author to review,
	// and Byline the byline they would be published under.
	Translations []TranslationReview
	Byline       Byline
	Placements   []Placement // where outlets published the piece
}

// Message is one entry in the conversation between editors and the submitter.
type Message struct {
	FromEditor bool
	Body       string
	Kind       string // an automatic message's key ("revision_sent"), shown in the page's language
	// Translation is the language of the translation the author's message
	// is about ("es"), which the page names in its own language; "" for
	// a message about the piece.
	Translation string
	At          time.Time
}

// MessageText is what m says in the page's language: an automatic message
// by its kind, the author's message about a translation after the name of
// that translation ("About the Spanish translation: …"), any other as
// written.
func (p *Page) MessageText(m Message) string {
	if m.Translation != "" {
		key := "message.translation." + m.Translation
		if !p.has(key) {
			key = "message.translation.other"
		}
		return p.tr(key, map[string]any{"Body": m.Body, "Language": m.Translation})
	}
	if m.Kind != "" && p.has("message."+m.Kind) {
		return p.T("message." + m.Kind)
	}
	return m.Body
}

// T returns the message key in the page's language. Messages may quote the
// limits as {{.MaxFiles}} and {{.MaxFileMB}}, and the wait before trying
// again as {{.Wait}}. A missing message comes back as its key so that
// tests can catch it.
func (p *Page) T(key string) string {
	return p.tr(key, map[string]any{"MaxFiles": p.Limits.MaxFiles, "MaxFileMB": p.Limits.MaxFileMB, "Wait": p.wait()})
}

// wait says RetryMinutes in words: "5 minutes", "1 minute".
func (p *Page) wait() string {
	switch {
	case p.RetryMinutes <= 0:
		return p.tr("wait.unknown", nil)
	case p.RetryMinutes == 1:
		return p.tr("wait.one_minute", nil)
	}
	return p.tr("wait.minutes", map[string]any{"Minutes": p.RetryMinutes})
}

func (p *Page) tr(key string, data map[string]any) string {
	if p.loc == nil {
		return key
	}
	s, err := p.loc.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: data})
	if err != nil {
		return key
	}
	return s
}

// has reports whether key has a message, so that unknown codes and states
// can fall back to a generic sentence instead of showing a key.
func (p *Page) has(key string) bool {
	if p.loc == nil {
		return false
	}
	_, err := p.loc.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: map[string]any{}})
	return err == nil
}

// SwitchURL links to the current page in lang. Paths that only accept POST
// send the visitor to the form, and anything that is not a plain local path
// is dropped so the link can never lead to another site.
func (p *Page) SwitchURL(lang string) string {
	path := p.Path
	if path == "" || path == "/submit" || !strings.HasPrefix(path, "/") ||
		strings.HasPrefix(path, "//") || strings.ContainsAny(path, "\\?#") {
		path = "/"
	}
	u := url.URL{Path: path, RawQuery: url.Values{"lang": {lang}}.Encode()}
	return u.String()
}

// ReceiptGroups splits the receipt code into short groups that are easier to
// copy by hand.
func (p *Page) ReceiptGroups() []string {
	code := strings.NewReplacer("-", "", " ", "").Replace(p.Receipt)
	var out []string
	for len(code) > 4 {
		out = append(out, code[:4])
		code = code[4:]
	}
	if code != "" {
		out = append(out, code)
	}
	return out
}

// StateText is the submission's status in one plain sentence.
func (p *Page) StateText() string {
	if p.Status == nil || !p.has("state."+p.Status.State) {
		return p.T("state.unknown")
	}
	return p.T("state." + p.Status.State)
}

// KindText names the kind of piece in words.
func (p *Page) KindText() string {
	if p.Status == nil || !p.has("opt.kind."+p.Status.Kind) {
		return ""
	}
	return p.T("opt.kind." + p.Status.Kind)
}

// NoticeText is the one-line confirmation for p.Notice, or "".
func (p *Page) NoticeText() string {
	if p.Notice == "" {
		return ""
	}
	if !p.has("notice." + p.Notice) {
		return p.T("notice.generic")
	}
	return p.T("notice." + p.Notice)
}

// CodeKey is the message prefix for the error page: its status code when the
// page has words for it, otherwise a generic one.
func (p *Page) CodeKey() string {
	key := "code." + strconv.Itoa(p.Code)
	if !p.has(key + ".title") {
		return "code.other"
	}
	return key
}

// Date formats t as a day in the page's language. Only the day is shown:
// the visitor's time zone is unknown, and a time in UTC would confuse more
// than it helps.
func (p *Page) Date(t time.Time) string {
	t = t.UTC()
	return p.tr("date.format", map[string]any{
		"Day":   t.Day(),
		"Month": p.T("month." + strconv.Itoa(int(t.Month()))),
		"Year":  t.Year(),
	})
}

package store

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// ConsentVersion names the consent wording the submission form shows now.
// Change it (and add the new wording to consentTexts) whenever any sentence
// below changes on the form: the ledger must always point to the exact
// words a person agreed to. A test in internal/e2e renders the form and
// fails when the form and the current version disagree.
const ConsentVersion = "2025-01"

// consentTexts holds every version's consent wording by language, line by
// line, exactly as the form shows it (web/locales/en.json and es.json):
// the heading, the byline question and its four options with their hints,
// the photo permission and the optional contact question.
var consentTexts = map[string]map[string][]string{
	"2025-01": {
		"en": {
			"Your choices",
			"How may we publish your piece?",
			"With my name", "Your name appears with the piece.",
			"With another name (pseudonym)", "A name you choose appears instead of yours. Write it in the box below.",
			"Without a name", "The piece is published with no name at all.",
			"Do not publish", "Only the network's editors read it, to understand what is happening in our communities. It is never published.",
			"You may publish the photos I attach.",
			"If you leave this unticked, editors can see your photos but will not publish them.",
			"How can an editor contact you?",
			"Only if you would like an editor to be able to contact you about this piece. We delete your contact details 30 days after a decision on your piece.",
		},
		"es": {
			"Sus decisiones",
			"¿Cómo podemos publicar su texto?",
			"Con mi nombre", "Su nombre aparece con el texto.",
			"Con otro nombre (seudónimo)", "En lugar de su nombre aparece uno que usted elige. Escríbalo en la casilla de abajo.",
			"Sin nombre", "El texto se publica sin ningún nombre.",
			"No publicar", "Solo lo leen las personas editoras de la red, para entender lo que pasa en nuestras comunidades. Nunca se publica.",
			"Pueden publicar las fotos que adjunto.",
			"Si no marca esta casilla, las personas editoras podrán ver sus fotos pero no las publicarán.",
			"¿Cómo puede contactarle una persona editora?",
			"Solo si desea que una persona editora pueda contactarle sobre este texto. Borramos sus datos de contacto 30 días después de que se tome una decisión sobre su texto.",
		},
	},
}

// ConsentText returns the lines of consent wording of version in lang
// ("en" or "es"); ok is false for an unknown version or language.
func ConsentText(version, lang string) (lines []string, ok bool) {
	lines, ok = consentTexts[version][lang]
	return append([]string(nil), lines...), ok
}

// ConsentTextSHA256 is the hex SHA-256 of the wording (lines joined by
// newlines) the ledger records next to the version, so an auditor can check
// that the text kept in the code is the one that was agreed to.
func ConsentTextSHA256(version, lang string) string {
	lines, ok := consentTexts[version][lang]
	if !ok {
		return ""
	}
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:])
}

// consentLanguage is the language the consent was shown in: the form's
// language when known, else the piece's, else English.
func consentLanguage(sub *Submission) string {
	for _, l := range []string{sub.ConsentLanguage, sub.Language} {
		if _, ok := consentTexts[ConsentVersion][l]; ok {
			return l
		}
	}
	return "en"
}

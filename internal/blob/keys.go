package blob

import (
	"strconv"
	"strings"
)

// The bucket's layout: every key StoryDesk writes is built here, so the
// writers, the readers and the retention purge agree on where a piece's
// objects live.
//
//	attachments/<submission>/<attachment><ext>  files as the submitter sent them (cleaned)
//	published/<submission>/piece.{html,md,txt,docx}  renderings of a published piece
//	published/<submission>/images/<name>  its photos, as served under /stories/<slug>/images/
//	published/<submission>/images/<width>w/<name>  a narrower copy of a photo, for phones
//	exports/<export>.zip  export archives
//	deletion-log/<sha256 of submission>  one entry of the deletion log (package deletion)
//	deletion-log/withdrawn/<sha256 of submission>  a withdrawal, in the same log

// AttachmentKey is where attachment attID of submission subID is stored;
// ext is the extension of its stored type (".jpg"), never the client's.
func AttachmentKey(subID, attID, ext string) string {
	return AttachmentPrefix(subID) + attID + ext
}

// AttachmentPrefix holds every attachment of submission subID.
func AttachmentPrefix(subID string) string { return "attachments/" + subID + "/" }

// PublishedPrefix holds every published file of submission subID.
func PublishedPrefix(subID string) string { return "published/" + subID + "/" }

// PublishedKey is the published file name (a rendering such as
// "piece.html") of submission subID.
func PublishedKey(subID, name string) string { return PublishedPrefix(subID) + name }

// PublishedImageKey is the published photo name of submission subID.
func PublishedImageKey(subID, name string) string { return PublishedPrefix(subID) + "images/" + name }

// PublishedImageWidthKey is the copy of published photo name scaled to
// width pixels. It lies under PublishedPrefix, so whatever deletes a
// piece's published files deletes it too.
func PublishedImageWidthKey(subID, name string, width int) string {
	return PublishedPrefix(subID) + "images/" + strconv.Itoa(width) + "w/" + name
}

// ExportKey is the archive of export exportID.
func ExportKey(exportID string) string { return "exports/" + exportID + ".zip" }

// SubmissionPrefixes are the prefixes that hold submission subID's objects,
// all of which the retention purge removes.
func SubmissionPrefixes(subID string) []string {
	return []string{AttachmentPrefix(subID), PublishedPrefix(subID)}
}

// DeletionLogPrefix holds the deletion log. A backup leaves it out and a
// restore never writes or removes under it: the log must outlive both.
const DeletionLogPrefix = "deletion-log/"

// DeletionLogKey is the log entry named by the hash of a deleted submission's id.
func DeletionLogKey(idHash string) string { return DeletionLogPrefix + idHash }

// WithdrawalLogPrefix holds the log's withdrawals, inside DeletionLogPrefix.
const WithdrawalLogPrefix = DeletionLogPrefix + "withdrawn/"

// WithdrawalLogKey is the log entry of a withdrawn submission.
func WithdrawalLogKey(idHash string) string { return WithdrawalLogPrefix + idHash }

// SubmissionOf returns the submission whose prefixes (SubmissionPrefixes)
// hold key, if any.
func SubmissionOf(key string) (string, bool) {
	for _, top := range []string{"attachments/", "published/"} {
		if rest, ok := strings.CutPrefix(key, top); ok {
			id, _, found := strings.Cut(rest, "/")
			return id, found && id != ""
		}
	}
	return "", false
}

-- An automatic message (the line that stands in the conversation for a
-- revision sent from the status page without a message) is stored with its
-- kind, so each reader sees it in their own language; body keeps an English
-- text for readers that do not know kinds. Messages stored before were
-- written in the language of the page they came from: they get their kind.

-- +goose Up
ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT '';
UPDATE messages SET kind = 'revision_sent', body = 'I sent a new version of my piece.'
WHERE from_editor = 0 AND body IN ('I sent a new version of my piece.', 'Envié una nueva versión de mi texto.');

-- +goose Down
ALTER TABLE messages DROP COLUMN kind;

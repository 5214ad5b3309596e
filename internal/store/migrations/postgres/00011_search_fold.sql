-- The search column folds accents with one replace() per letter instead of
-- translate(), with the same 54 letters and the same result. translate()
-- looks every character of a story up in its list of multibyte letters: it
-- was the largest single cost of an intake on PostgreSQL (15 % of the
-- backends' CPU under the 8-client 1 MiB load, `perf`), about 1 ms for a
-- 4 KiB story; the replace() chain takes half of that. The list must stay
-- equal to accentFolder in internal/store/search.go.
--
-- Re-adding the column rewrites the table and rebuilds its search index,
-- about a minute per 100,000 submissions on two cores.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION storydesk_fold_accents(t text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(t, 'á', 'a'), 'à', 'a'), 'â', 'a'), 'ä', 'a'), 'ã', 'a'), 'å', 'a'), 'é', 'e'), 'è', 'e'), 'ê', 'e'), 'ë', 'e'), 'í', 'i'), 'ì', 'i'), 'î', 'i'), 'ï', 'i'), 'ó', 'o'), 'ò', 'o'), 'ô', 'o'), 'ö', 'o'), 'õ', 'o'), 'ú', 'u'), 'ù', 'u'), 'û', 'u'), 'ü', 'u'), 'ñ', 'n'), 'ç', 'c'), 'ý', 'y'), 'ÿ', 'y'), 'Á', 'a'), 'À', 'a'), 'Â', 'a'), 'Ä', 'a'), 'Ã', 'a'), 'Å', 'a'), 'É', 'e'), 'È', 'e'), 'Ê', 'e'), 'Ë', 'e'), 'Í', 'i'), 'Ì', 'i'), 'Î', 'i'), 'Ï', 'i'), 'Ó', 'o'), 'Ò', 'o'), 'Ô', 'o'), 'Ö', 'o'), 'Õ', 'o'), 'Ú', 'u'), 'Ù', 'u'), 'Û', 'u'), 'Ü', 'u'), 'Ñ', 'n'), 'Ç', 'c'), 'Ý', 'y') $$;
-- +goose StatementEnd
ALTER TABLE submissions DROP COLUMN search;
ALTER TABLE submissions ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', storydesk_fold_accents(title || ' ' || body))) STORED;
CREATE INDEX submissions_search ON submissions USING GIN (search);

-- +goose Down
ALTER TABLE submissions DROP COLUMN search;
ALTER TABLE submissions ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', translate(title || ' ' || body,
        'áàâäãåéèêëíìîïóòôöõúùûüñçýÿÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇÝ',
        'aaaaaaeeeeiiiiooooouuuuncyyaaaaaaeeeeiiiiooooouuuuncy'))
) STORED;
CREATE INDEX submissions_search ON submissions USING GIN (search);
DROP FUNCTION storydesk_fold_accents(text);

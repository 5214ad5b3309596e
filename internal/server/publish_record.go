package server

import (
	"context"
	"errors"

	"github.com/gin-gonic/gin"

	"github.com/storydesk/storydesk/internal/store"
)

// addPublication adds to an editors' record where the piece is published
// ("publication": slug, url, published_at, live, and "languages": each
// language it is public in with its url, the original first) and how its webhook notice
// went ("webhook": state, attempts, last_status, updated_at); null for each
// when there is none.
func (h *submissionsHandler) addPublication(ctx context.Context, rec gin.H, id string) error {
	rec["publication"], rec["webhook"] = nil, nil
	pub, err := h.store.PublicationOf(ctx, id)
	switch {
	case err == nil:
		langs := []gin.H{}
		if pub.Live {
			versions, err := h.store.PublishedVersions(ctx, pub)
			if err != nil {
				return err
			}
			for _, v := range versions {
				langs = append(langs, gin.H{"language": v.Language, "url": h.links.baseURL + v.Path(), "original": v.Original})
			}
		}
		rec["publication"] = gin.H{"slug": pub.Slug, "url": h.links.baseURL + "/stories/" + pub.Slug,
			"published_at": pub.PublishedAt, "live": pub.Live, "languages": langs}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	d, err := h.store.WebhookDeliveryOf(ctx, id, "")
	switch {
	case err == nil:
		rec["webhook"] = gin.H{"state": d.State, "attempts": d.Attempts, "last_status": d.LastStatus, "updated_at": d.UpdatedAt}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	return nil
}

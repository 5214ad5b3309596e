package store

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"
)

// pitchAs is a PitchCheck that lets every pitch through in language.
func pitchAs(language string) PitchCheck {
	return func(sub Submission, _ Outlet, _ []Pitch) (Pitch, error) {
		return Pitch{Language: language, Status: PitchPitched, WordCount: sub.WordCount, CreatedBy: "staff@example.org"}, nil
	}
}

func TestOutlets(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		o, err := s.CreateOutlet(ctx, Outlet{Name: "The Tribune", Language: "en", WordLimit: 700, ExclusiveDays: 7,
			ContactEmail: "oped@tribune.example", TakesOpEds: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		o.Name, o.TakesLetters = "The Daily Tribune", true
		if _, err := s.UpdateOutlet(ctx, o, nil); err != nil {
			t.Fatal(err)
		}
		got, err := s.Outlet(ctx, o.ID)
		if err != nil || got.Name != "The Daily Tribune" || got.WordLimit != 700 || got.ExclusiveDays != 7 ||
			got.TakesStories || !got.TakesOpEds || !got.TakesLetters {
			t.Errorf("Outlet = %+v %v", got, err)
		}
		if list, err := s.Outlets(ctx); err != nil || len(list) != 1 {
			t.Errorf("Outlets = %+v %v", list, err)
		}
		if _, err := s.UpdateOutlet(ctx, Outlet{ID: "missing", Name: "x"}, nil); !errors.Is(err, ErrNotFound) {
			t.Errorf("UpdateOutlet(missing) = %v, want ErrNotFound", err)
		}
		if _, err := s.Outlet(ctx, "missing"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Outlet(missing) = %v, want ErrNotFound", err)
		}
	})
}

// TestPitchesWithdrawAndDue: a pitch past its outlet's window is due,
// withdrawing consent marks the open pitches withdrawn (not the declined
// one) and lists their outlets to tell, and the retention purge deletes
// the pitches with the piece.
func TestPitchesWithdrawAndDue(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := approve(t, s, "Pitched piece")
		a, err := s.CreateOutlet(ctx, Outlet{Name: "A", Language: "en", ExclusiveDays: 3, TakesOpEds: true, TakesStories: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.CreateOutlet(ctx, Outlet{Name: "B", Language: "es", ExclusiveDays: 0, TakesOpEds: true, TakesStories: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		pa, err := s.CreatePitch(ctx, sub.ID, a.ID, pitchAs("en"), nil)
		if err != nil {
			t.Fatal(err)
		}
		pb, err := s.CreatePitch(ctx, sub.ID, b.ID, pitchAs("es"), nil)
		if err != nil {
			t.Fatal(err)
		}
		refused := errors.New("refused")
		if _, err := s.CreatePitch(ctx, sub.ID, a.ID, func(Submission, Outlet, []Pitch) (Pitch, error) { return Pitch{}, refused }, nil); !errors.Is(err, refused) {
			t.Errorf("CreatePitch with a refusing check = %v", err)
		}
		if _, err := s.CreatePitch(ctx, sub.ID, "missing", pitchAs("en"), nil); !errors.Is(err, ErrNotFound) {
			t.Errorf("CreatePitch to a missing outlet = %v, want ErrNotFound", err)
		}

		due := func(at time.Time) []string {
			t.Helper()
			ps, err := s.Pitches(ctx, PitchFilter{DueAt: at})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, p := range ps {
				ids = append(ids, p.ID)
			}
			return ids
		}
		if got := due(pa.PitchedAt.Add(time.Hour)); len(got) != 1 || got[0] != pb.ID {
			t.Errorf("due an hour in = %v, want only the pitch to B (no window)", got)
		}
		if got := due(pa.PitchedAt.Add(3 * 24 * time.Hour)); len(got) != 2 {
			t.Errorf("due three days in = %v, want both", got)
		}
		declined, err := s.UpdatePitch(ctx, pb.ID, func(cur Pitch) (Pitch, error) {
			cur.Status, cur.Note, cur.UpdatedBy = PitchDeclined, "not for us", "staff2@example.org"
			return cur, nil
		}, nil)
		if err != nil || declined.Status != PitchDeclined {
			t.Fatalf("UpdatePitch = %+v %v", declined, err)
		}
		if got, err := s.Pitch(ctx, pb.ID); err != nil || got.Status != PitchDeclined || got.Note != "not for us" || got.UpdatedBy != "staff2@example.org" || got.Outlet.Name != "B" {
			t.Errorf("Pitch after update = %+v %v", got, err)
		}

		if _, err := s.Withdraw(ctx, sub.ID, revokeTask); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Pitch(ctx, pa.ID); got.Status != PitchWithdrawn || !got.ConsentWithdrawn {
			t.Errorf("open pitch after withdrawal: %s consent_withdrawn %v, want withdrawn true", got.Status, got.ConsentWithdrawn)
		}
		if got, _ := s.Pitch(ctx, pb.ID); got.Status != PitchDeclined || got.ConsentWithdrawn {
			t.Errorf("declined pitch after withdrawal: %s consent_withdrawn %v, want declined false", got.Status, got.ConsentWithdrawn)
		}
		tell, err := s.Pitches(ctx, PitchFilter{SubmissionID: sub.ID, ConsentWithdrawn: true})
		if err != nil || len(tell) != 1 || tell[0].Outlet.Name != "A" {
			t.Errorf("outlets to tell = %+v %v, want A", tell, err)
		}

		late := time.Now().Add(time.Hour)
		if _, err := s.PurgeSubmission(ctx, sub.ID, RetentionCutoffs{ContactBefore: late, ClosedBefore: late, UnreviewedBefore: late}, revokeTask); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, s, "pitches"); n != 0 {
			t.Errorf("%d pitches left after the piece was deleted", n)
		}
	})
}

// TestCreatePitchSerialised: pitches of one piece to several outlets at
// once are checked one after the other, so a rule that admits only the
// first ("nobody holds it yet") admits exactly one.
func TestCreatePitchSerialised(t *testing.T) {
	eachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sub := approve(t, s, "Wanted everywhere")
		const n = 16
		outlets := make([]string, n)
		for i := range outlets {
			o, err := s.CreateOutlet(ctx, Outlet{Name: "Outlet " + strconv.Itoa(i), Language: "en", ExclusiveDays: 7}, nil)
			if err != nil {
				t.Fatal(err)
			}
			outlets[i] = o.ID
		}
		held := errors.New("held elsewhere")
		first := func(sub Submission, o Outlet, others []Pitch) (Pitch, error) {
			if len(others) > 0 {
				return Pitch{}, held
			}
			return pitchAs("en")(sub, o, others)
		}
		errs := make(chan error, n)
		for _, id := range outlets {
			go func() {
				_, err := s.CreatePitch(ctx, sub.ID, id, first, nil)
				errs <- err
			}()
		}
		ok := 0
		for range outlets {
			switch err := <-errs; {
			case err == nil:
				ok++
			case !errors.Is(err, held):
				t.Errorf("CreatePitch: %v", err)
			}
		}
		if ok != 1 || countRows(t, s, "pitches") != 1 {
			t.Errorf("%d pitches admitted, %d stored; want exactly one", ok, countRows(t, s, "pitches"))
		}
	})
}

package media

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"testing"
)

func TestShrink(t *testing.T) {
	var src bytes.Buffer
	if err := jpeg.Encode(&src, image.NewGray(image.Rect(0, 0, 800, 600)), nil); err != nil {
		t.Fatal(err)
	}
	budget := NewBudget(DefaultBudget)
	var out bytes.Buffer
	size, err := Shrink(context.Background(), &out, bytes.NewReader(src.Bytes()), JPEG, 480, budget)
	if err != nil || size != (Size{480, 360}) {
		t.Fatalf("Shrink = %+v, %v; want 480×360", size, err)
	}
	if got, err := SizeOf(bytes.NewReader(out.Bytes()), JPEG); err != nil || got != size {
		t.Errorf("the copy is %+v (%v), want %+v", got, err, size)
	}
	if _, err := Shrink(context.Background(), &out, bytes.NewReader(src.Bytes()), JPEG, 800, budget); !errors.Is(err, ErrNotSmaller) {
		t.Errorf("shrinking to its own width: %v, want ErrNotSmaller", err)
	}
}

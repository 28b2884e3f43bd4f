package receive

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/domainauth/domainauth/arc"
)

func TestARCResult(t *testing.T) {
	env := Envelope{IP: netip.MustParseAddr("2001:db8::1")}
	sets := []arc.Set{{Instance: 1, Seal: &arc.Seal{Domain: "a.example"}}, {Instance: 2, Seal: &arc.Seal{Domain: "b.example"}}}
	for _, tc := range []struct {
		r    arc.Result
		want string
	}{
		{arc.Result{Status: arc.Pass, Sets: sets}, "arc=pass (i=2 d=b.example) smtp.remote-ip=2001:db8::1"},
		{arc.Result{Status: arc.Pass, Sets: sets, OldestPass: 2}, "arc=pass (i=2 d=b.example) header.oldest-pass=2 smtp.remote-ip=2001:db8::1"},
		{arc.Result{Status: arc.None}, "arc=none smtp.remote-ip=2001:db8::1"},
		{arc.Result{Status: arc.Fail, Err: errors.New("broken")}, "arc=fail reason=broken smtp.remote-ip=2001:db8::1"},
	} {
		r := arcResult(&tc.r, env)
		got := r.Method + "=" + r.Value
		if r.Comment != "" {
			got += " (" + r.Comment + ")"
		}
		if r.Reason != "" {
			got += " reason=" + r.Reason
		}
		for _, p := range r.Properties {
			got += " " + p.Type + "." + p.Name + "=" + p.Value
		}
		if got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
	if r := arcResult(&arc.Result{Status: arc.None}, Envelope{}); len(r.Properties) != 0 {
		t.Errorf("no client address: %+v", r.Properties)
	}
}

func TestARCCommentEmpty(t *testing.T) {
	if got := ARCComment(&arc.Result{Status: arc.None}); got != "arc=none" {
		t.Errorf("no sets: %q", got)
	}
	// An AAR that does not parse gives no remote-ip.
	r := &arc.Result{Status: arc.Pass, Sets: []arc.Set{{Instance: 1, Seal: &arc.Seal{Domain: "a.example", Selector: "s"}, AuthResults: &arc.AuthResults{Instance: 1, Results: "bad (unclosed"}}}}
	if got := ARCComment(r); got != "arc=pass as[1].d=a.example as[1].s=s" {
		t.Errorf("unparsable AAR: %q", got)
	}
}

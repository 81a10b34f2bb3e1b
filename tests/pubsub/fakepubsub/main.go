// Command fakepubsub serves Google's in-memory Pub/Sub fake (pstest) on a
// chosen port, so that Python tests can talk to it with the real client
// through PUBSUB_EMULATOR_HOST.
//
// Built offline against Debian's golang-google-cloud-dev (0.56) in GOPATH
// mode; see ../build.sh. That pstest has no NewServerWithPort, so we serve
// its GServer on our own listener. Its limits: no filters, ordering keys or
// dead-letter policies, no snapshots.
//
// Differences from pstest, all in interceptors:
//   - CreateSubscription / UpdateSubscription with ack_deadline_seconds == 0
//     (the Python client's default when unset) become 10 s, as the real
//     service does. ModifyAckDeadline(0) is left alone: it means "nack".
//   - A panic in a handler (pstest embeds nil interfaces for the RPCs it does
//     not implement) becomes an Unimplemented/Internal error instead of
//     killing the process.
//
// On startup it prints one line to stdout:
//
//	fakepubsub ready on 127.0.0.1:PORT
//
// (with the real port when --port 0), then serves until SIGINT/SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"cloud.google.com/go/pubsub/pstest"
	pb "google.golang.org/genproto/googleapis/pubsub/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

const defaultAckDeadlineSeconds = 10

// fixAckDeadline rewrites a zero ack deadline in subscription requests.
func fixAckDeadline(req interface{}) {
	switch r := req.(type) {
	case *pb.Subscription:
		if r.AckDeadlineSeconds == 0 {
			r.AckDeadlineSeconds = defaultAckDeadlineSeconds
		}
	case *pb.UpdateSubscriptionRequest:
		if r.Subscription != nil && r.Subscription.AckDeadlineSeconds == 0 {
			r.Subscription.AckDeadlineSeconds = defaultAckDeadlineSeconds
		}
	}
}

func recovered(method string, p interface{}) error {
	msg := fmt.Sprint(p)
	if strings.Contains(msg, "nil pointer") {
		return status.Errorf(codes.Unimplemented, "fakepubsub: %s is not implemented by pstest", method)
	}
	return status.Errorf(codes.Internal, "fakepubsub: panic in %s: %s", method, msg)
}

func unary(ctx context.Context, req interface{}, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp interface{}, err error) {
	defer func() {
		if p := recover(); p != nil {
			resp, err = nil, recovered(info.FullMethod, p)
		}
	}()
	fixAckDeadline(req)
	return handler(ctx, req)
}

func stream(srv interface{}, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = recovered(info.FullMethod, p)
		}
	}()
	return handler(srv, ss)
}

func main() {
	host := flag.String("host", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 8085, "port to listen on (0: any free port)")
	flag.Parse()

	lis, err := net.Listen("tcp", net.JoinHostPort(*host, fmt.Sprint(*port)))
	if err != nil {
		log.Fatalf("fakepubsub: listen: %v", err)
	}
	// NewServer also starts pstest's own listener on a random localhost port;
	// we never advertise it and close it on exit.
	fake := pstest.NewServer()
	gsrv := grpc.NewServer(grpc.UnaryInterceptor(unary), grpc.StreamInterceptor(stream))
	pb.RegisterPublisherServer(gsrv, &fake.GServer)
	pb.RegisterSubscriberServer(gsrv, &fake.GServer)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-stop
		gsrv.Stop()
	}()

	fmt.Printf("fakepubsub ready on %s\n", lis.Addr().String())
	os.Stdout.Sync()
	if err := gsrv.Serve(lis); err != nil {
		log.Printf("fakepubsub: serve: %v", err)
	}
	fake.Close()
}

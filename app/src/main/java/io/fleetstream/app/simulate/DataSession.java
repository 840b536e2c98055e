package io.fleetstream.app.simulate;

/**
 * The facts of one PDP context (data session) that its Create and Delete events both carry: the same
 * {@code session_id} and {@code tunnel_created} join the two.
 */
record DataSession(
        String sessionId,
        long pdpContextId,
        long tunnelCreatedAt,
        String apn,
        String imeisv,
        int lac,
        int ci,
        String ggsnControlPlaneIp,
        String ggsnDataPlaneIp,
        String sgsnControlPlaneIp,
        String sgsnDataPlaneIp,
        String breakoutIp,
        long rxTeid,
        long txTeidControlPlane,
        long txTeidDataPlane,
        long tariffProfileId,
        long ratezoneId,
        long tariffId) {
}

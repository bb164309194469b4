/*
 * Misuse of the C API: NULL for every pointer argument, zero and huge lengths, out-of-range
 * enumerations, freeing NULL. The library must answer with a result code, never crash.
 */
#include <telnet-rs.h>

#include "check.h"

#include <stdint.h>
#include <string.h>

int main(void) {
    tn_config *cfg = NULL;
    tn_session *s = NULL;
    const uint8_t *p = NULL;
    size_t n = 0;
    bool urgent = false;
    tn_option_state st;

    /* Results describe themselves; unknown codes too. */
    for (uint32_t code = 0; code <= 8; code++)
        CHECK(tn_result_cstr(code) != NULL && strlen(tn_result_cstr(code)) > 0);
    CHECK(strcmp(tn_result_cstr(999), "unknown result code") == 0);

    /* Configs. */
    CHECK(tn_config_new(TN_ROLE_SERVER, NULL) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_config_new(42, &cfg) == TN_RESULT_INVALID_ARGUMENT && cfg == NULL);
    CHECK_OK(tn_config_new(TN_ROLE_CLIENT, &cfg));
    CHECK(tn_config_allow(NULL, 1, TN_SIDE_LOCAL) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_config_allow(cfg, 1, 2) == TN_RESULT_INVALID_ARGUMENT);
    CHECK(tn_config_deny(NULL, 1, TN_SIDE_LOCAL) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_config_request(NULL, 1, TN_SIDE_LOCAL) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_config_request(cfg, 1, 99) == TN_RESULT_INVALID_ARGUMENT);
    CHECK(tn_config_set_eol(NULL, 0, 0) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_config_set_eol(cfg, 0, 2) == TN_RESULT_INVALID_ARGUMENT);
    CHECK(tn_config_set_max_subnegotiation(NULL, 10) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_config_set_max_subnegotiation(cfg, 0) == TN_RESULT_INVALID_ARGUMENT);
    CHECK_OK(tn_config_set_max_subnegotiation(cfg, 8));
    CHECK(tn_config_set_output_limit(cfg, 0) == TN_RESULT_INVALID_ARGUMENT);
    CHECK_OK(tn_config_set_output_limit(cfg, 16));
    tn_config_free(NULL);

    /* Sessions. */
    CHECK(tn_session_new(NULL, NULL, NULL, &s) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_new(cfg, NULL, NULL, NULL) == TN_RESULT_NULL_PARAMETER);
    CHECK_OK(tn_session_new(cfg, NULL, NULL, &s));
    tn_config_free(cfg);
    tn_session_free(NULL);

    CHECK(tn_session_start(NULL) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_set_callback(NULL, NULL, NULL) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_feed(NULL, (const uint8_t *)"x", 1, &n) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_feed(s, NULL, 1, &n) == TN_RESULT_NULL_PARAMETER);
    CHECK_OK(tn_session_feed(s, NULL, 0, &n));
    CHECK(n == 0);
    CHECK(tn_session_feed(s, (const uint8_t *)"x", SIZE_MAX, &n) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_send(NULL, (const uint8_t *)"x", 1, NULL) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_send(s, NULL, 5, NULL) == TN_RESULT_NULL_PARAMETER);
    CHECK_OK(tn_session_send(s, NULL, 0, &n));
    CHECK(n == 0);
    CHECK(tn_session_send_command(NULL, TN_CMD_NOP) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_negotiate(NULL, 1, TN_SIDE_LOCAL, true) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_negotiate(s, 1, 5, true) == TN_RESULT_INVALID_ARGUMENT);
    CHECK(tn_session_set_allowed(NULL, 1, TN_SIDE_LOCAL, true) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_set_allowed(s, 1, 5, true) == TN_RESULT_INVALID_ARGUMENT);
    CHECK(tn_session_send_subnegotiation(NULL, 24, NULL, 0) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_send_subnegotiation(s, 24, NULL, 3) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_send_subnegotiation(s, 24, (const uint8_t *)"123456789", 9) == TN_RESULT_TOO_LONG);
    CHECK(tn_session_send_synch(NULL) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_clear_output(NULL, NULL) == TN_RESULT_NULL_PARAMETER);
    CHECK_OK(tn_session_clear_output(s, NULL));
    CHECK(tn_session_input_urgent(NULL) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_peek_output(NULL, &p, &n, &urgent) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_peek_output(s, NULL, &n, &urgent) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_peek_output(s, &p, NULL, &urgent) == TN_RESULT_NULL_PARAMETER);
    CHECK_OK(tn_session_peek_output(s, &p, &n, NULL));
    CHECK(tn_session_consume_output(NULL, 0) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_consume_output(s, SIZE_MAX) == TN_RESULT_INVALID_ARGUMENT);
    CHECK(tn_session_output_len(NULL) == 0);
    CHECK(tn_session_flush_fd(NULL, 1, NULL) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_flush_fd(s, -1, &n) == TN_RESULT_IO);
    CHECK(tn_session_option_state(NULL, 1, TN_SIDE_LOCAL, &st) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_option_state(s, 1, TN_SIDE_LOCAL, NULL) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_option_state(s, 1, 3, &st) == TN_RESULT_INVALID_ARGUMENT);
    CHECK(!tn_session_is_enabled(NULL, 1, TN_SIDE_LOCAL));
    CHECK(!tn_session_is_enabled(s, 1, 9));
    CHECK(tn_session_set_eol(NULL, 0, 0) == TN_RESULT_NULL_PARAMETER);
    CHECK(tn_session_memory_size(NULL) == 0);
    CHECK(tn_session_memory_size(s) > 0);

    /* The output limit (16 bytes here): data beyond it would block, control still fits. */
    uint8_t big[64];
    memset(big, 'a', sizeof big);
    CHECK_OK(tn_session_consume_output(s, tn_session_output_len(s)));
    CHECK(tn_session_output_room(s) == 16 && tn_session_output_room(NULL) == 0);
    CHECK_OK(tn_session_send(s, big, sizeof big, &n));
    CHECK(n == 16 && tn_session_output_room(s) == 0);
    CHECK(tn_session_send(s, big, sizeof big, &n) == TN_RESULT_WOULD_BLOCK && n == 0);
    CHECK_OK(tn_session_send_command(s, TN_CMD_NOP));

    /* Names. */
    tn_str name = tn_option_name(TN_OPT_NAWS);
    CHECK(name.len == 4 && memcmp(name.ptr, "NAWS", 4) == 0);
    CHECK(tn_option_name(222).len == 0);
    name = tn_command_name(TN_CMD_AYT);
    CHECK(name.len == 3 && memcmp(name.ptr, "AYT", 3) == 0);
    CHECK(tn_command_name(65).len == 0);

    /* Every byte value, in every split, is accepted as input without a crash. */
    for (int b = 0; b < 256; b++) {
        uint8_t one = (uint8_t)b;
        CHECK(tn_session_feed(s, &one, 1, &n) == TN_RESULT_OK || n == 0);
    }
    tn_session_free(s);
    CHECK_DONE();
}

/* Links the installed library and runs a tiny in-memory exchange. */
#include <telnet-rs.h>

#include <stdio.h>
#include <string.h>

static int got_ip;

static void on_event(void *ud, tn_session *s, const tn_event *ev) {
    (void)ud;
    (void)s;
    if (ev->kind == TN_EVENT_KIND_COMMAND && ev->u.command == TN_CMD_IP)
        got_ip = 1;
}

int main(void) {
    tn_config *cfg;
    tn_session *s;
    static const unsigned char in[] = {255, 244};
    size_t used;
    if (tn_config_new(TN_ROLE_SERVER, &cfg) != TN_RESULT_OK)
        return 1;
    if (tn_session_new(cfg, on_event, NULL, &s) != TN_RESULT_OK)
        return 1;
    tn_config_free(cfg);
    if (tn_session_feed(s, in, sizeof in, &used) != TN_RESULT_OK || !got_ip)
        return 1;
    tn_session_free(s);
    if (strcmp(tn_version_cstr(), TN_VERSION_STRING) != 0)
        return 1;
    printf("consumer: telnet-rs %s ok\n", tn_version_cstr());
    return 0;
}

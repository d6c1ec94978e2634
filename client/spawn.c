/*
 * spawn.c -- start a local cafeboard-server when none answers, as tmux does:
 * detached (its own session, double fork), logging to a file, and left
 * running for the next client.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "paths.h"
#include "xmalloc.h"

/*
 * Start bin serving socket_path.  Returns once the detached server process
 * exists (it may need a moment to listen); -1 with err if it could not be
 * started.
 */
int
spawn_server(const char *bin, const char *socket_path, char *err,
    size_t errlen)
{
	char	*data, *logpath;
	pid_t	 pid;
	int	 status, fd;

	if (bin == NULL || (strchr(bin, '/') != NULL &&
	    access(bin, X_OK) != 0)) {
		snprintf(err, errlen, "cannot start a local server: %s not "
		    "found", bin != NULL ? bin : "cafeboard-server");
		return -1;
	}
	data = paths_default_data();
	xasprintf(&logpath, "%s/server.log", data);
	pid = fork();
	if (pid == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		free(data);
		free(logpath);
		return -1;
	}
	if (pid == 0) {
		if (setsid() == -1)
			_exit(1);
		if (fork() != 0)
			_exit(0);
		if (chdir("/") != 0)
			_exit(1);
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			if (fd > STDERR_FILENO)
				close(fd);
		}
		for (fd = STDERR_FILENO + 1; fd < 1024; fd++)
			close(fd);
		mkdir(data, 0700);
		execlp(bin, bin, "--socket", socket_path, "--log-file",
		    logpath, (char *)NULL);
		_exit(127);
	}
	free(data);
	free(logpath);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "cannot start a local server");
		return -1;
	}
	return 0;
}
